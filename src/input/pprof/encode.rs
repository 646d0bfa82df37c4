//! A [`Profile`] written back as profile.proto, gzipped as pprof writes it: what `go tool pprof
//! -proto` saves. Only what the samples use is written (the mappings, locations, functions and
//! strings their stacks and labels reach), renumbered from 1; values, labels, stacks and the
//! profile's header are kept as they are.

use std::collections::HashMap;
use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;
use prost::Message;

use super::proto;
use crate::model::profile::{LabelValue, LocationId, Profile, Stacks, StrId};

/// `profile` as gzipped profile.proto bytes.
pub fn encode_gzipped(profile: &Profile) -> Vec<u8> {
    let raw = encode(profile);
    let mut gz = GzEncoder::new(Vec::with_capacity(raw.len() / 4), Compression::default());
    // Writing into a Vec cannot fail.
    gz.write_all(&raw).expect("gzip into memory");
    gz.finish().expect("gzip into memory")
}

/// `profile` as raw (not gzipped) profile.proto bytes.
pub fn encode(profile: &Profile) -> Vec<u8> {
    Writer::new(profile).message().encode_to_vec()
}

/// Builds the message: strings interned in the order they are met, tables renumbered from 1
/// in the order the samples reach them.
struct Writer<'a> {
    profile: &'a Profile,
    strings: Vec<String>,
    string_ids: HashMap<&'a str, i64>,
    /// Per location, mapping and function of the profile: its id in the output (0: unused).
    location_ids: Vec<u64>,
    mapping_ids: Vec<u64>,
    function_ids: Vec<u64>,
    locations: Vec<proto::Location>,
    mappings: Vec<proto::Mapping>,
    functions: Vec<proto::Function>,
    /// Per stack of the profile: its locations, leaf first, once written.
    stack_ids: Vec<Option<Vec<u64>>>,
}

impl<'a> Writer<'a> {
    fn new(profile: &'a Profile) -> Writer<'a> {
        Writer {
            profile,
            strings: vec![String::new()],
            string_ids: HashMap::from([("", 0)]),
            location_ids: vec![0; profile.locations.len()],
            mapping_ids: vec![0; profile.mappings.len()],
            function_ids: vec![0; profile.functions.len()],
            locations: Vec::new(),
            mappings: Vec::new(),
            functions: Vec::new(),
            stack_ids: vec![None; profile.stacks.len()],
        }
    }

    fn string(&mut self, s: &'a str) -> i64 {
        if let Some(&id) = self.string_ids.get(s) {
            return id;
        }
        let id = self.strings.len() as i64;
        self.strings.push(s.to_string());
        self.string_ids.insert(s, id);
        id
    }

    fn str_id(&mut self, id: StrId) -> i64 {
        let profile = self.profile;
        self.string(profile.str(id))
    }

    fn mapping(&mut self, index: usize) -> u64 {
        if self.mapping_ids[index] == 0 {
            let profile = self.profile;
            let m = &profile.mappings[index];
            let id = self.mappings.len() as u64 + 1;
            let message = proto::Mapping {
                id,
                memory_start: m.memory_start,
                memory_limit: m.memory_limit,
                file_offset: m.file_offset,
                filename: self.str_id(m.file),
                build_id: self.str_id(m.build_id),
                has_functions: m.has_functions,
                ..Default::default()
            };
            self.mappings.push(message);
            self.mapping_ids[index] = id;
        }
        self.mapping_ids[index]
    }

    fn function(&mut self, index: usize) -> u64 {
        if self.function_ids[index] == 0 {
            let profile = self.profile;
            let f = &profile.functions[index];
            let id = self.functions.len() as u64 + 1;
            let message = proto::Function {
                id,
                name: self.str_id(f.name),
                system_name: self.str_id(f.system_name),
                filename: self.str_id(f.file),
                start_line: f.start_line,
            };
            self.functions.push(message);
            self.function_ids[index] = id;
        }
        self.function_ids[index]
    }

    fn location(&mut self, location: LocationId) -> u64 {
        let index = location.0 as usize;
        if self.location_ids[index] == 0 {
            let profile = self.profile;
            let l = &profile.locations[index];
            let mapping_id = l.mapping.map_or(0, |m| self.mapping(m.0 as usize));
            let line = profile
                .location_lines(l)
                .iter()
                .map(|line| proto::Line {
                    function_id: line.function.map_or(0, |f| self.function(f.0 as usize)),
                    line: line.line,
                })
                .collect();
            let id = self.locations.len() as u64 + 1;
            self.locations.push(proto::Location {
                id,
                mapping_id,
                address: l.address,
                line,
                is_folded: l.is_folded,
            });
            self.location_ids[index] = id;
        }
        self.location_ids[index]
    }

    /// The output ids of stack `stack`'s locations, leaf first.
    fn stack(&mut self, stack: crate::model::profile::StackId) -> Vec<u64> {
        if let Some(ids) = &self.stack_ids[stack.0 as usize] {
            return ids.clone();
        }
        let stacks = &self.profile.stacks;
        let mut chain = Vec::new();
        let mut at = stack;
        while at != Stacks::EMPTY {
            chain.push(at);
            at = stacks.parent(at);
        }
        let ids: Vec<u64> = chain
            .iter()
            .map(|&s| self.location(stacks.location(s)))
            .collect();
        self.stack_ids[stack.0 as usize] = Some(ids.clone());
        ids
    }

    fn message(mut self) -> proto::Profile {
        let profile = self.profile;
        let value_type =
            |w: &mut Writer<'a>, t: &'a crate::model::profile::ValueType| proto::ValueType {
                r#type: w.string(&t.name),
                unit: w.string(&t.unit),
            };
        let sample_type = profile
            .value_types
            .iter()
            .map(|t| value_type(&mut self, t))
            .collect();
        let period_type = profile
            .period_type
            .as_ref()
            .map(|t| value_type(&mut self, t));
        let width = profile.value_types.len();
        let samples = &profile.samples;
        let sample = (0..samples.len())
            .map(|i| {
                let label = profile
                    .label_sets
                    .get(samples.label_set[i])
                    .iter()
                    .map(|label| {
                        let key = self.str_id(label.key);
                        match label.value {
                            LabelValue::Str(s) => proto::Label {
                                key,
                                str: self.str_id(s),
                                ..Default::default()
                            },
                            LabelValue::Num { value, unit } => proto::Label {
                                key,
                                num: value,
                                num_unit: self.str_id(unit),
                                ..Default::default()
                            },
                        }
                    })
                    .collect();
                proto::Sample {
                    location_id: self.stack(samples.stack[i]),
                    value: samples.values[i * width..(i + 1) * width].to_vec(),
                    label,
                }
            })
            .collect();
        // The default is written when it is not the last type, which readers take without it.
        let default_sample_type = match profile.default_value_index + 1 == width {
            true => 0,
            false => self.string(&profile.value_types[profile.default_value_index].name),
        };
        let comment = profile.comments.iter().map(|c| self.string(c)).collect();
        let drop_frames = self.string(&profile.drop_frames);
        let keep_frames = self.string(&profile.keep_frames);
        let doc_url = self.string(&profile.doc_url);
        proto::Profile {
            sample_type,
            sample,
            mapping: self.mappings,
            location: self.locations,
            function: self.functions,
            string_table: self.strings,
            drop_frames,
            keep_frames,
            time_nanos: profile.time_nanos,
            duration_nanos: profile.duration_nanos,
            period_type,
            period: profile.period,
            comment,
            default_sample_type,
            doc_url,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::call_tree::CallTree;
    use crate::input::{folded, load};

    #[test]
    fn a_profile_reads_back_with_the_same_stacks_and_header() {
        let mut profile = folded::parse("main;a;b 3\nmain;c 5\nmain;a;b 2\n").unwrap();
        profile.duration_nanos = 7;
        profile.comments = vec!["made by a test".into()];
        profile.doc_url = "https://example.com/profiles/cpu.html".into();
        let bytes = encode_gzipped(&profile);
        let back = load::open(&bytes, &Default::default()).unwrap();
        assert_eq!(back.value_types, profile.value_types);
        assert_eq!(back.duration_nanos, 7);
        assert_eq!(back.comments, profile.comments);
        assert_eq!(back.doc_url, profile.doc_url);
        assert_eq!(
            CallTree::build(&back, 0).folded_stacks(),
            CallTree::build(&profile, 0).folded_stacks()
        );
    }
}
