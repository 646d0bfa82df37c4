use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = Instant::now();
    let raw = if scorch::pprof::is_gzip(&bytes) {
        scorch::pprof::inflate(&bytes, u64::MAX).unwrap()
    } else {
        bytes.clone()
    };
    let t1 = t.elapsed();
    let t = Instant::now();
    let p = scorch::pprof::decode_uncompressed(&raw).unwrap();
    let t2 = t.elapsed();
    let t = Instant::now();
    let f = scorch::frames::Frames::build(&p);
    let t3 = t.elapsed();
    let t = Instant::now();
    let tree = scorch::CallTree::build(&p, p.default_value_index);
    let t4 = t.elapsed();
    let t = Instant::now();
    let tot = scorch::total::pprof_total(&p, p.default_value_index);
    let t5 = t.elapsed();
    println!("inflate {t1:?} decode {t2:?} frames {t3:?} build {t4:?} total {t5:?} frames={} nodes={} {tot}", f.len(), tree.len());
}
