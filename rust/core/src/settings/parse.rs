//! Value parsers of the settings table: `None` for a value that does not parse (the caller names the
//! key, the value and what is expected).

pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// Sizes as Hadoop writes them: `4096`, `64K`, `8M`, `1G` (binary multiples).
pub fn parse_size(v: &str) -> Option<u64> {
    let v = v.trim();
    let (num, mult) = match v.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&v[..v.len() - 1], 1u64 << 10),
        Some('M') => (&v[..v.len() - 1], 1 << 20),
        Some('G') => (&v[..v.len() - 1], 1 << 30),
        Some('T') => (&v[..v.len() - 1], 1 << 40),
        _ => (v, 1),
    };
    num.trim().parse::<u64>().ok().and_then(|n| n.checked_mul(mult))
}

/// Durations as Hadoop writes them: `500ms`, `30s`, `5m`, `1h`, `1d`, or a bare number of `bare_ms`.
pub fn parse_duration_ms(v: &str, bare_ms: u64) -> Option<u64> {
    let v = v.trim().to_ascii_lowercase();
    let split = v.find(|c: char| !c.is_ascii_digit()).unwrap_or(v.len());
    let (num, unit) = v.split_at(split);
    let mult = match unit.trim() {
        "" => bare_ms,
        "ms" => 1,
        "s" => 1000,
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => 0,
    };
    num.parse::<u64>().ok().filter(|_| mult > 0).and_then(|n| n.checked_mul(mult))
}

pub fn parse_count(v: &str) -> Option<u64> {
    v.trim().parse::<u64>().ok()
}
