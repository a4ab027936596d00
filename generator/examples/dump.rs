fn main() {
    let dir = std::env::args().nth(1).expect("spec dir");
    match agora_chat_generator::generate(std::path::Path::new(&dir)) {
        Ok(files) => {
            for f in files {
                println!("==== {}\n{}", f.path.display(), f.contents);
            }
        }
        Err(e) => eprintln!("{e}"),
    }
}
