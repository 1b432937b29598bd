package io.commitfs.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Renders the results as an aligned text table (stdout) and as Markdown (for the README). */
final class Report {

    static final String[] HEADER = {"workload", "filesystem", "rate", "vs peer", "p50 ms", "p99 ms",
            "per op", Pricing.STANDARD.column, Pricing.EXPRESS.column, "breakdown per op"};
    /** Columns right-aligned as numbers: rate through the dollar columns. */
    private static final int FIRST_NUMERIC = 2;
    private static final int LAST_NUMERIC = 8;

    private final List<Result> results;

    Report(List<Result> results) {
        this.results = results;
    }

    List<String[]> rows() {
        Map<String, List<Result>> byWorkload = new LinkedHashMap<>();
        for (Result r : results) {
            byWorkload.computeIfAbsent(r.workload(), k -> new ArrayList<>()).add(r);
        }
        List<String[]> rows = new ArrayList<>();
        for (List<Result> group : byWorkload.values()) {
            for (Result r : group) {
                rows.add(row(r, reference(group, r.target().store)));
            }
        }
        return rows;
    }

    private static Result reference(List<Result> group, Target.Store store) {
        return group.stream().filter(r -> r.target().store == store && r.target().reference && r.ran())
                .findFirst().orElse(null);
    }

    private static String[] row(Result r, Result ref) {
        if (!r.ran()) {
            return new String[] {r.workload(), r.target().name, "-", "-", "-", "-", "-", "-", "-", r.note()};
        }
        String unit = r.mbPerSecond() ? " MB/s" : " ops/s";
        String ratio = ref == null || ref == r ? (ref == r ? "1.00x" : "-")
                : String.format(Locale.ROOT, "%.2fx", r.rate() / ref.rate());
        String perOp;
        String breakdown;
        String standard = "-";
        String express = "-";
        if (r.target().store == Target.Store.S3) {
            perOp = r.perOp().isEmpty() ? "-" : num(r.totalPerOp()) + " req";
            if (!r.perOp().isEmpty()) {
                standard = dollars(Pricing.STANDARD.perMillionOps(r.perOp()));
                express = dollars(Pricing.EXPRESS.perMillionOps(r.perOp()));
            }
            breakdown = top(r.perOp(), 7) + clientSays(r, "client says");
        } else {
            perOp = r.perOp().isEmpty() ? "-" : num(r.totalPerOp()) + " sys";
            // commitfs counts the calls that do the work (open/write/fsync/rename/stat...), strace every call
            breakdown = top(r.perOp(), 6) + clientSays(r, "commitfs counts");
        }
        return new String[] {r.workload(), r.target().name, num(r.rate()) + unit, ratio, ms(r.p50Millis()),
                ms(r.p99Millis()), perOp, standard, express, breakdown};
    }

    /**
     * The filesystem's own count per op next to the neutral one; on S3 both count HTTP requests and must
     * agree, so a difference is flagged.
     */
    private static String clientSays(Result r, String label) {
        Double own = r.clientRequestsPerOp();
        if (own == null) {
            return "";
        }
        boolean disagrees = r.target().store == Target.Store.S3 && !r.perOp().isEmpty()
                && Math.abs(own - r.totalPerOp()) > 0.005 * Math.max(1, r.totalPerOp());
        return " (" + label + " " + num(own) + (disagrees ? " ≠ proxy" : "") + ")";
    }

    /** The biggest entries, always including the durability calls, e.g. "openat 2, fsync 1". */
    private static String top(Map<String, Double> perOp, int n) {
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(perOp.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()));
        List<Map.Entry<String, Double>> shown = new ArrayList<>(sorted.subList(0, Math.min(n, sorted.size())));
        for (Map.Entry<String, Double> e : sorted) {
            if (e.getKey().contains("sync") && !shown.contains(e)) {
                shown.add(e);
            }
        }
        return shown.stream().map(e -> e.getKey() + " " + num(e.getValue())).collect(Collectors.joining(", "));
    }

    static String num(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v).replaceAll("\\.?0+$", "").replaceAll("^$", "0");
    }

    /** Dollars per million operations, e.g. "$5.40". */
    static String dollars(double v) {
        return "$" + (v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v));
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
    }

    String text() {
        List<String[]> rows = rows();
        int[] width = new int[HEADER.length];
        for (String[] row : concat(HEADER, rows)) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        StringBuilder out = new StringBuilder();
        String previous = null;
        for (String[] row : concat(HEADER, rows)) {
            if (previous != null && !previous.equals(row[0])) {
                out.append('\n');
            }
            previous = row[0];
            for (int c = 0; c < row.length; c++) {
                boolean numeric = c >= FIRST_NUMERIC && c <= LAST_NUMERIC;
                String cell = c == 0 && row != HEADER && out.length() > 0 && isRepeat(rows, row) ? "" : row[c];
                out.append(numeric ? pad(cell, width[c], true) : pad(cell, width[c], false));
                out.append(c + 1 < row.length ? "  " : "\n");
            }
        }
        return out.toString();
    }

    private static boolean isRepeat(List<String[]> rows, String[] row) {
        int idx = rows.indexOf(row);
        return idx > 0 && rows.get(idx - 1)[0].equals(row[0]);
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append('|').append(String.join("|", HEADER)).append("|\n|");
        for (int c = 0; c < HEADER.length; c++) {
            out.append(c >= FIRST_NUMERIC && c <= LAST_NUMERIC ? "---:|" : "---|");
        }
        out.append('\n');
        List<String[]> rows = rows();
        for (String[] row : rows) {
            String[] shown = row.clone();
            if (isRepeat(rows, row)) {
                shown[0] = "";
            }
            out.append('|').append(String.join("|", shown).replace("\n", " ")).append("|\n");
        }
        return out.toString();
    }

    private static List<String[]> concat(String[] header, List<String[]> rows) {
        List<String[]> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        return all;
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
