//! Fuzzes the hand-written `Sample` reader against prost's derived decoder of the same message:
//! on any bytes both must agree (the same location ids in order, values and labels), or both
//! refuse them; the one difference allowed is a group, which prost skips and the reader (like
//! pprof) refuses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prost::Message;
use scorch::input::pprof::proto;
use scorch::input::pprof::sample::{self, SampleError, SampleFields};

fuzz_target!(|data: &[u8]| {
    let mut fields = SampleFields::default();
    let ours = sample::read(data, &mut fields);
    let theirs = proto::Sample::decode(data);
    match (ours, theirs) {
        (Ok(()), Ok(expected)) => {
            let mut locations = &fields.locations[..];
            let mut ids = Vec::new();
            while !locations.is_empty() {
                ids.push(prost::encoding::decode_varint(&mut locations).expect("a checked varint"));
            }
            assert_eq!(ids, expected.location_id);
            assert_eq!(fields.values, expected.value);
            assert_eq!(fields.labels, expected.label);
        }
        (Err(SampleError::Groups), _) | (Err(_), Err(_)) => {}
        (ours, theirs) => panic!("the reader says {ours:?}, prost {theirs:?}"),
    }
});
