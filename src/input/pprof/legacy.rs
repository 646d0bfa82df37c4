//! Recognises the pre-protobuf pprof formats (gperftools binary CPU profiles and the heapz,
//! growthz, contentionz and threadz text dumps) so they are refused by name, not as garbage.

/// The name of the legacy format `bytes` are in, if they are in one.
pub fn legacy_format(bytes: &[u8]) -> Option<&'static str> {
    if is_legacy_cpu(bytes) {
        return Some("legacy binary CPU profile (gperftools / pre-2016 Go)");
    }
    let head = &bytes[..bytes.len().min(64)];
    let starts = |prefix: &str| head.starts_with(prefix.as_bytes());
    if starts("heap profile:") || starts("heap_v2/") || starts("--- heapz") {
        Some("legacy text heap profile")
    } else if starts("--- contention") || starts("--- mutex") {
        Some("legacy text contention profile")
    } else if starts("--- threadz")
        || starts("threadcreate profile:")
        || starts("goroutine profile:")
    {
        Some("legacy text thread profile")
    } else {
        None
    }
}

/// A legacy CPU profile opens with the header words `0, 3` (header count 0, header words 3;
/// the version word after them is 0 for gperftools and Go, 1 for Java), written as 32- or
/// 64-bit words of either byte order. A protobuf message can
/// never start with a zero byte (field number 0 is invalid), so there is no ambiguity.
fn is_legacy_cpu(bytes: &[u8]) -> bool {
    let word32 = |i: usize, big: bool| {
        let b: [u8; 4] = bytes[i * 4..i * 4 + 4].try_into().unwrap_or_default();
        if big {
            u32::from_be_bytes(b) as u64
        } else {
            u32::from_le_bytes(b) as u64
        }
    };
    let word64 = |i: usize, big: bool| {
        let b: [u8; 8] = bytes[i * 8..i * 8 + 8].try_into().unwrap_or_default();
        if big {
            u64::from_be_bytes(b)
        } else {
            u64::from_le_bytes(b)
        }
    };
    let header = |word: &dyn Fn(usize, bool) -> u64, big: bool| {
        word(0, big) == 0 && word(1, big) == 3 && word(2, big) <= 1
    };
    (bytes.len() >= 24 && (header(&word64, false) || header(&word64, true)))
        || (bytes.len() >= 12 && (header(&word32, false) || header(&word32, true)))
}
