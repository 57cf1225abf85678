//! A standalone PDF worker, for tests and for hosts that prefer not to
//! re-execute themselves: `pingshen-pdf-worker --pingshen-pdf-worker < file.pdf`.

fn main() {
    pingshen_docs::worker::run_if_requested();
    eprintln!(
        "usage: pingshen-pdf-worker {} [--from-page=N] < file.pdf",
        pingshen_docs::worker::WORKER_FLAG
    );
    std::process::exit(2);
}
