//! What every request to the bucket carries, as commitfs resolved it (signing region and where it came
//! from, the credential source (provider names, never a secret), encryption, requester pays, storage class, proxy, extra CAs), and whether the bucket accepts a
//! write with it: an encrypted object PUT (object_store's path) and a `dir/` marker PUT (commitfs's raw
//! path), each read back and removed. A bucket policy that demands SSE-KMS, a KMS key the credentials
//! may not use, or a requester-pays bucket without the header fail here, before a job does.

use super::{Report, Verdict};
use commitfs_core::object::ObjectBackend;
use commitfs_core::runtime::block_on;
use commitfs_core::settings::{region_of_endpoint, ObjectSettings, Settings, AWS_REGION, REGION};
use commitfs_core::{Backend, Config, DeleteScope, FsPath, Location, Probe, Result};
use object_store::path::Path;
use object_store::{ObjectStoreExt, PutPayload};

pub fn probe(loc: &Location, conf: &Config, report: &mut Report) -> Result<()> {
    let settings = ObjectSettings::read(&loc.scheme, &loc.authority, conf)?;
    let s = Settings::new(conf, &loc.scheme, &loc.authority);
    let from = if let Some((key, _)) = s.raw(&REGION) {
        key
    } else if let Some((var, _)) = s.raw(&AWS_REGION) {
        format!("the environment ({var})")
    } else if settings.endpoint.as_deref().and_then(region_of_endpoint).is_some() {
        "the endpoint's host".to_string()
    } else {
        "the default".to_string()
    };
    report.add("signing region", Verdict::Info, format!("{} (from {from})", settings.region));
    let source = commitfs_core::object::credentials::describe(&loc.scheme, &loc.authority, &settings)?;
    report.add("credential source", Verdict::Info, source);
    let r = &settings.requests;
    let encryption = r.encryption.as_ref().map_or("none (the bucket's default encryption applies)".to_string(), |e| e.describe());
    report.add("encryption", Verdict::Info, encryption.clone());
    report.add("requester pays", Verdict::Info, if r.requester_pays { "on: every request says x-amz-request-payer: requester" } else { "off" });
    if let Some(class) = &r.storage_class {
        report.add("storage class", Verdict::Info, class.clone());
    }
    let n = &settings.network;
    if let Some(p) = &n.proxy {
        let auth = if p.username.is_some() { ", Basic authentication" } else { "" };
        report.add("proxy", Verdict::Info, format!("{}{auth}", p.url));
    }
    if let Some(ca) = &n.trust.ca_bundle {
        report.add("extra CAs", Verdict::Info, ca.clone());
    }

    let backend = ObjectBackend::s3(&loc.scheme, &loc.authority, conf)?;
    let id = format!("{:016x}", rand::random::<u64>());
    let object = Path::from(format!("_commitfs/doctor-{id}/encrypted"));
    let store = backend.store();
    let written = block_on(async {
        store.put(&object, PutPayload::from_static(b"commitfs doctor")).await?;
        let back = store.get(&object).await?.bytes().await?;
        let _ = store.delete(&object).await;
        Ok::<_, object_store::Error>(back)
    });
    let hint = format!("Fix: check fs.{s}.encryption.algorithm / encryption.key (and the KMS key's policy), fs.{s}.requester.pays.enabled and the bucket policy", s = loc.scheme);
    match written {
        Ok(b) if &b[..] == b"commitfs doctor" => report.add("write with these settings", Verdict::Ok, format!("a PUT with encryption {encryption} was accepted and read back")),
        Ok(_) => report.add("write with these settings", Verdict::Fail, "a PUT was accepted but read back different bytes".to_string()),
        Err(e) => report.add("write with these settings", Verdict::Fail, format!("the bucket refused a PUT with encryption {encryption}: {e}\n{hint}")),
    }
    if let Some(region) = backend.learned_region() {
        report.add(
            "bucket region",
            Verdict::Info,
            format!("{region}: the bucket refused requests signed for {}; they are signed for {region} now (cross-region access). Set fs.{}.endpoint.region={region}", settings.region, loc.scheme),
        );
    }
    let marker = FsPath::parse(&format!("/_commitfs/doctor-{id}/marker"))?;
    let made = backend.mkdir(&marker).and_then(|()| backend.probe(&[Probe::Entry(&marker)]));
    match made {
        Ok(found) if found.first().and_then(|f| f.as_ref()).is_some_and(|st| st.is_dir) => {
            report.add("directory marker", Verdict::Ok, "a dir/ marker PUT with these settings was accepted")
        }
        Ok(_) => report.add("directory marker", Verdict::Fail, "a dir/ marker was accepted but is not listed"),
        Err(e) => report.add("directory marker", Verdict::Fail, format!("the bucket refused a dir/ marker: {e}\n{hint}")),
    }
    let _ = backend.delete(&marker, DeleteScope::Tree);
    Ok(())
}
