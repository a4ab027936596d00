//! Facts about the real spec's callbacks that the validator does not know:
//! the callbacks register's id range, and that the directory is read at all.

use std::path::Path;

use agora_chat_generator::spec;

fn spec_dir() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec"))
}

#[test]
fn callbacks_errata_count_up_from_e600_without_gaps() {
    let spec = spec::load(spec_dir()).unwrap();
    let ids: Vec<&str> = spec
        .errata
        .errata
        .iter()
        .zip(&spec.errata_files)
        .filter(|(_, file)| file.as_path() == Path::new("errata/callbacks.yaml"))
        .map(|(e, _)| e.id.value.as_str())
        .collect();
    assert!(!ids.is_empty(), "errata/callbacks.yaml holds no errata");
    let expected: Vec<String> = (600..600 + ids.len()).map(|n| format!("E{n}")).collect();
    assert_eq!(ids, expected, "ids must count up from E600 in file order");
    assert!(ids.len() <= 100, "the callbacks range ends at E699");
}

#[test]
fn every_family_file_is_loaded() {
    let spec = spec::load(spec_dir()).unwrap();
    let callbacks = spec.callbacks.expect("spec/callbacks/ is read");
    let on_disk = std::fs::read_dir(spec_dir().join("callbacks"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name() != "common.yaml")
        .count();
    assert_eq!(callbacks.files.len(), on_disk);
}
