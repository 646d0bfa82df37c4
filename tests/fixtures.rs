//! Small profiles built in code, one per edge case of profile.proto, each checked against a
//! golden file of its folded stacks, function table and total (`tests/golden/NAME.txt`).
//! Run with `BLESS=1` to rewrite the golden files after an intended change.
//! Also: every way a file can be bad gives its own `LoadError`.

use std::io::Write;
use std::path::Path;

use flate2::write::GzEncoder;
use flate2::Compression;
use prost::Message;

use scorch::analysis::labels::label_totals;
use scorch::input::pprof::{self, proto, DecodeOptions};
use scorch::input::{folded, load};
use scorch::{CallTree, LoadError, Profile};

/// Builds a profile.proto message by name instead of by string index.
#[derive(Default)]
struct Builder {
    profile: proto::Profile,
}

impl Builder {
    fn new(types: &[(&str, &str)]) -> Builder {
        let mut b = Builder::default();
        b.profile.string_table.push(String::new());
        for (name, unit) in types {
            let vt = proto::ValueType {
                r#type: b.s(name),
                unit: b.s(unit),
            };
            b.profile.sample_type.push(vt);
        }
        b
    }

    fn s(&mut self, text: &str) -> i64 {
        if let Some(i) = self.profile.string_table.iter().position(|s| s == text) {
            return i as i64;
        }
        self.profile.string_table.push(text.to_string());
        self.profile.string_table.len() as i64 - 1
    }

    fn mapping(&mut self, file: &str) -> u64 {
        let id = self.profile.mapping.len() as u64 + 1;
        let filename = self.s(file);
        self.profile.mapping.push(proto::Mapping {
            id,
            memory_start: 0x1000 * id,
            memory_limit: 0x1000 * id + 0xfff,
            filename,
            ..Default::default()
        });
        id
    }

    fn function(&mut self, name: &str) -> u64 {
        let id = self.profile.function.len() as u64 + 1;
        let (name, file) = (self.s(name), self.s("src/app.go"));
        self.profile.function.push(proto::Function {
            id,
            name,
            system_name: name,
            filename: file,
            start_line: 10,
        });
        id
    }

    /// A location whose lines are `functions`, innermost inlined callee first.
    fn location(&mut self, mapping: u64, functions: &[u64]) -> u64 {
        let id = self.profile.location.len() as u64 + 1;
        self.profile.location.push(proto::Location {
            id,
            mapping_id: mapping,
            address: 0x1000 + id * 0x10,
            line: functions
                .iter()
                .map(|&function_id| proto::Line {
                    function_id,
                    line: 20,
                })
                .collect(),
            is_folded: false,
        });
        id
    }

    /// A location holding one function, found or created by name.
    fn frame(&mut self, name: &str) -> u64 {
        let f = self.function(name);
        self.location(0, &[f])
    }

    /// A sample; `stack` is leaf first, as in profile.proto.
    fn sample(&mut self, stack: &[u64], values: &[i64]) -> &mut proto::Sample {
        self.profile.sample.push(proto::Sample {
            location_id: stack.to_vec(),
            value: values.to_vec(),
            label: Vec::new(),
        });
        self.profile.sample.last_mut().unwrap()
    }

    fn label(&mut self, key: &str, value: &str) -> proto::Label {
        proto::Label {
            key: self.s(key),
            str: self.s(value),
            ..Default::default()
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.profile.encode_to_vec()
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::new(), Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// The text a golden file holds for `profile`: per value type, the total, the folded stacks,
/// the function table (flat, cum, name) and the label totals.
fn describe(profile: &Profile) -> String {
    let mut out = String::new();
    for (index, value_type) in profile.value_types.iter().enumerate() {
        let tree = CallTree::build(profile, index);
        let default = if index == profile.default_value_index {
            " (default)"
        } else {
            ""
        };
        out += &format!(
            "# value type {index}: {value_type}{default}, total {}, root {}\n",
            tree.profile_total(),
            tree.total_value(CallTree::ROOT)
        );
        for line in tree.folded_stacks() {
            out += &line;
            out.push('\n');
        }
        let frames = tree.frames();
        let mut rows = tree.function_table();
        rows.sort_by(|a, b| frames.name(a.frame).cmp(frames.name(b.frame)));
        for row in rows {
            out += &format!("top {} {} {}\n", row.flat, row.cum, frames.name(row.frame));
        }
        for label in label_totals(profile, index) {
            out += &format!(
                "label {} {}={} {}\n",
                label.kind, label.key, label.value, label.total
            );
        }
    }
    out
}

fn golden(name: &str, profile: &Profile) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(format!("{name}.txt"));
    let got = describe(profile);
    if std::env::var_os("BLESS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden file {}; run with BLESS=1 to write it",
            path.display()
        )
    });
    assert!(
        want == got,
        "{name} differs from {}\n--- want\n{want}--- got\n{got}\n(run with BLESS=1 to accept the new output)",
        path.display()
    );
}

fn decode(bytes: &[u8]) -> Profile {
    pprof::decode(bytes).unwrap_or_else(|e| panic!("decode failed: {e}"))
}

#[test]
fn inlined_frames_expand_caller_first() {
    let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    let (main, handler, helper, leaf) = (
        b.function("main.main"),
        b.function("main.handler"),
        b.function("main.helper"),
        b.function("main.leaf"),
    );
    // One PC in main.handler with main.helper and main.leaf inlined into it.
    let inlined = b.location(0, &[leaf, helper, handler]);
    let root = b.location(0, &[main]);
    b.sample(&[inlined, root], &[3, 30]);
    b.sample(&[root], &[1, 10]);
    let profile = decode(&b.bytes());
    let tree = CallTree::build(&profile, 1);
    let leaf_node = (0..tree.len() as u32)
        .map(scorch::NodeId)
        .find(|&n| tree.name(n) == "main.leaf")
        .unwrap();
    assert!(tree.is_inlined(leaf_node));
    assert_eq!(tree.depth(leaf_node), 4);
    assert_eq!(tree.name(tree.parent(leaf_node)), "main.helper");
    golden("inlined", &profile);
}

#[test]
fn frames_without_names_are_named_by_mapping() {
    let mut b = Builder::new(&[("samples", "count")]);
    let lib = b.mapping("/usr/lib/x86_64-linux-gnu/libc.so.6");
    let nameless = b.mapping("");
    let main = b.function("main");
    let empty_name = b.function("");
    let address_only = b.location(lib, &[]);
    let no_mapping = b.location(0, &[]);
    let unnamed_function = b.location(nameless, &[empty_name]);
    let root = b.location(0, &[main]);
    b.sample(&[address_only, root], &[5]);
    b.sample(&[no_mapping, root], &[2]);
    b.sample(&[unnamed_function, root], &[1]);
    // pprof keys a nameless function's node by its start line too, so the location with no
    // lines and the nameless function (start line 10) are two `<unknown>` frames, as in pprof.
    golden("address_only", &decode(&b.bytes()));
}

#[test]
fn negative_values_cancel_in_the_total_as_pprof_merges() {
    let mut b = Builder::new(&[("alloc_space", "bytes")]);
    let (main, a, c) = (b.frame("main"), b.frame("a"), b.frame("c"));
    b.sample(&[a, main], &[100]);
    b.sample(&[a, main], &[-40]); // same stack and labels: merges to 60
    b.sample(&[c, main], &[-25]);
    let profile = decode(&b.bytes());
    let tree = CallTree::build(&profile, 0);
    assert_eq!(tree.profile_total(), 60 + 25);
    assert_eq!(tree.total_value(CallTree::ROOT), 60 - 25);
    golden("negative", &profile);
}

#[test]
fn diff_base_samples_alone_make_the_total() {
    let mut b = Builder::new(&[("cpu", "nanoseconds")]);
    let (main, a) = (b.frame("main"), b.frame("a"));
    let base = b.label("pprof::base", "true");
    b.sample(&[a, main], &[-30]).label.push(base);
    b.sample(&[a, main], &[50]);
    let tree = CallTree::build(&decode(&b.bytes()), 0);
    assert_eq!(tree.profile_total(), 30);
}

#[test]
fn zero_values_are_skipped_and_empty_stacks_go_to_the_root() {
    let mut b = Builder::new(&[("samples", "count"), ("cpu", "nanoseconds")]);
    let (main, a, b_) = (b.frame("main"), b.frame("a"), b.frame("b"));
    b.sample(&[a, main], &[2, 0]);
    b.sample(&[b_, main], &[0, 0]);
    b.sample(&[], &[4, 40]);
    let profile = decode(&b.bytes());
    let tree = CallTree::build(&profile, 1);
    assert_eq!(tree.self_value(CallTree::ROOT), 40);
    assert_eq!(tree.len(), 1, "no node for zero-value samples");
    golden("zero_and_empty", &profile);
}

#[test]
fn recursion_counts_once_in_cum() {
    let mut b = Builder::new(&[("samples", "count")]);
    let (main, a, c) = (b.frame("main"), b.frame("a"), b.frame("c"));
    b.sample(&[c, a, a, a, main], &[7]);
    b.sample(&[a, main], &[1]);
    let profile = decode(&b.bytes());
    let tree = CallTree::build(&profile, 0);
    let rows = tree.function_table();
    let a_row = rows
        .iter()
        .find(|r| tree.frames().name(r.frame) == "a")
        .unwrap();
    assert_eq!((a_row.flat, a_row.cum), (1, 8));
    golden("recursion", &profile);
}

#[test]
fn functions_with_the_same_name_merge() {
    let mut b = Builder::new(&[("samples", "count")]);
    let main = b.frame("main");
    let first = b.frame("pkg.f");
    let second = b.frame("pkg.f"); // another function id, same name
    b.sample(&[first, main], &[1]);
    b.sample(&[second, main], &[2]);
    golden("same_name", &decode(&b.bytes()));
}

#[test]
fn drop_frames_prunes_from_the_matching_frame() {
    let mut b = Builder::new(&[("alloc_space", "bytes")]);
    let (main, work, malloc, inner) = (
        b.frame("main"),
        b.frame("work"),
        b.frame("malloc(unsigned long)"),
        b.frame("mmap"),
    );
    b.sample(&[inner, malloc, work, main], &[64]);
    b.sample(&[malloc, main], &[32]);
    b.profile.drop_frames = b.s("malloc|free");
    golden("drop_frames", &decode(&b.bytes()));
}

#[test]
fn labels_are_totalled_by_kind() {
    let mut b = Builder::new(&[("samples", "count")]);
    let (main, a) = (b.frame("main"), b.frame("a"));
    let get = b.label("handler", "/get");
    let put = b.label("handler", "/put");
    let (key, unit) = (b.s("size"), b.s("bytes"));
    let size = proto::Label {
        key,
        num: 512,
        num_unit: unit,
        ..Default::default()
    };
    b.sample(&[a, main], &[3]).label.extend([get.clone(), size]);
    b.sample(&[main], &[1]).label.push(put);
    b.sample(&[], &[9]).label.push(get); // empty stack: not in label totals
    let profile = decode(&b.bytes());
    assert_eq!(profile.label_keys(), vec!["handler", "size[bytes]"]);
    golden("labels", &profile);
}

#[test]
fn default_value_type_follows_pprof() {
    let mut b = Builder::new(&[
        ("alloc_objects", "count"),
        ("alloc_space", "bytes"),
        ("inuse_objects", "count"),
        ("inuse_space", "bytes"),
    ]);
    let main = b.frame("main");
    b.sample(&[main], &[1, 2, 3, 4]);
    assert_eq!(decode(&b.bytes()).default_value_index, 3, "last by default");
    b.profile.default_sample_type = b.s("alloc_space");
    let profile = decode(&b.bytes());
    assert_eq!(profile.default_value_index, 1);
    assert_eq!(profile.value_index("inuse_space"), Ok(3));
    assert_eq!(profile.value_index("2"), Ok(2));
    assert!(profile.value_index("cpu").is_err());
    assert!(profile.value_index("4").is_err());
    // Legacy heap profiles say `space`; pprof lets `inuse_space` find it.
    let mut b = Builder::new(&[("objects", "count"), ("space", "bytes")]);
    let main = b.frame("main");
    b.sample(&[main], &[1, 2]);
    assert_eq!(decode(&b.bytes()).value_index("inuse_space"), Ok(1));
}

#[test]
fn gzip_with_several_members_and_raw_protobuf_decode_alike() {
    let mut b = Builder::new(&[("samples", "count")]);
    let (main, a) = (b.frame("main"), b.frame("a"));
    b.sample(&[a, main], &[5]);
    let raw = b.bytes();
    let (head, tail) = raw.split_at(raw.len() / 2);
    let mut members = gzip(head);
    members.extend(gzip(tail));
    let from_raw = describe(&decode(&raw));
    assert_eq!(describe(&decode(&gzip(&raw))), from_raw);
    assert_eq!(describe(&decode(&members)), from_raw);
}

#[test]
fn folded_text_round_trips() {
    let text = "main;a;b 3\nmain;a 2\n# a comment\n\nmain;c 1\nmain;a;b 4\n";
    let profile = load::open(text.as_bytes(), &DecodeOptions::default()).unwrap();
    let tree = CallTree::build(&profile, 0);
    assert_eq!(
        tree.folded_stacks(),
        vec!["main;a 2", "main;a;b 7", "main;c 1"]
    );
    let gzipped = load::open(&gzip(text.as_bytes()), &DecodeOptions::default()).unwrap();
    assert_eq!(describe(&gzipped), describe(&profile));
    assert!(matches!(
        folded::parse("main;a 1\nnot a stack\n"),
        Err(LoadError::Folded { line: 2, .. })
    ));
}

// ---- bad input: each cause its own error -------------------------------------------------

fn simple() -> Builder {
    let mut b = Builder::new(&[("samples", "count")]);
    let (main, a) = (b.frame("main"), b.frame("a"));
    b.sample(&[a, main], &[1]);
    b
}

fn error_of(bytes: &[u8]) -> LoadError {
    match pprof::decode(bytes) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

#[test]
fn truncated_files_are_refused() {
    let raw = simple().bytes();
    for cut in [1, raw.len() / 3, raw.len() - 1] {
        let e = error_of(&raw[..cut]);
        assert!(
            matches!(
                e,
                LoadError::NotAProfile { .. }
                    | LoadError::Protobuf { .. }
                    | LoadError::MissingStringTable
                    | LoadError::UnknownLocation { .. }
            ),
            "cut at {cut}: {e:?}"
        );
    }
    let gz = gzip(&raw);
    assert!(matches!(
        error_of(&gz[..gz.len() - 6]),
        LoadError::Inflate { .. }
    ));
    assert_eq!(error_of(&[]), LoadError::Empty);
}

#[test]
fn dangling_ids_are_refused() {
    let mut b = simple();
    b.profile.sample[0].location_id.push(99);
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::UnknownLocation { sample: 0, id: 99 }
    );
    let mut b = simple();
    b.profile.location[0].line[0].function_id = 42;
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::UnknownFunction {
            location: 1,
            id: 42
        }
    );
    let mut b = simple();
    b.profile.location[0].mapping_id = 7;
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::UnknownMapping { location: 1, id: 7 }
    );
    let mut b = simple();
    b.profile.function[1].id = 0;
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::ReservedId { kind: "function" }
    );
    let mut b = simple();
    b.profile.location[1].id = 1;
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::DuplicateId {
            kind: "location",
            id: 1
        }
    );
}

#[test]
fn bad_string_indices_are_refused() {
    let mut b = simple();
    b.profile.function[0].name = 1000;
    let e = error_of(&b.bytes());
    assert!(
        matches!(e, LoadError::StringIndex { index: 1000, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains("string index 1000"), "{e}");
    let mut b = simple();
    b.profile.function[0].filename = -3;
    assert!(matches!(
        error_of(&b.bytes()),
        LoadError::StringIndex { index: -3, .. }
    ));
    let mut b = simple();
    b.profile.string_table[0] = "x".into();
    assert!(matches!(
        error_of(&b.bytes()),
        LoadError::FirstStringNotEmpty { .. }
    ));
    let mut b = simple();
    b.profile.string_table.clear();
    assert_eq!(error_of(&b.bytes()), LoadError::MissingStringTable);
}

#[test]
fn value_count_mismatch_is_refused() {
    let mut b = simple();
    b.profile.sample[0].value.push(5);
    assert_eq!(
        error_of(&b.bytes()),
        LoadError::ValueCount {
            sample: 0,
            got: 2,
            expected: 1
        }
    );
    let mut b = simple();
    b.profile.sample_type.clear();
    b.profile.sample[0].value.clear();
    assert_eq!(error_of(&b.bytes()), LoadError::NoValueTypes { samples: 1 });
}

#[test]
fn a_decompression_bomb_is_refused_before_memory_runs_out() {
    // A valid start: one string table entry (field 6) of 8 MiB of zeros, which the decoder
    // must wait for whole, so only the bound stops it.
    let mut huge_string = vec![0x32, 0x80, 0x80, 0x80, 0x04];
    huge_string.resize(huge_string.len() + (8 << 20), 0);
    let bomb = gzip(&huge_string);
    assert!(bomb.len() < 64 << 10);
    let options = DecodeOptions {
        max_inflated_bytes: 1 << 20,
    };
    let e = pprof::decode_with(&bomb, &options).unwrap_err();
    assert_eq!(e, LoadError::InflatedTooLarge { limit: 1 << 20 });
    assert!(e.to_string().contains("1 MiB"), "{e}");
}

#[test]
fn other_formats_are_named() {
    let legacy = b"heap profile: 1: 2 [3: 4] @ heap/1048576\n";
    assert!(matches!(
        load::open(legacy, &DecodeOptions::default()),
        Err(LoadError::LegacyFormat { .. })
    ));
    let e = error_of(b"\xff\xff\xff\xff garbage");
    assert!(matches!(e, LoadError::NotAProfile { .. }), "{e:?}");
    let mut b = simple();
    b.profile.drop_frames = b.s("(unclosed");
    assert!(matches!(
        error_of(&b.bytes()),
        LoadError::FramesRegex { .. }
    ));
    let mut not_utf8 = simple();
    not_utf8.profile.string_table[1] = "caf\u{e9}".into();
    let mut bytes = not_utf8.bytes();
    // Turn the UTF-8 "é" (c3 a9) into Latin-1 (e9 + a stray byte): decoded, replaced.
    let at = bytes.windows(2).position(|w| w == [0xc3, 0xa9]).unwrap();
    bytes[at] = 0xe9;
    assert!(decode(&bytes)
        .strings
        .get(scorch::model::profile::StrId(1))
        .contains('\u{fffd}'));
}
