//! `da-emulator`: serves the emulator until SIGINT/SIGTERM (or stdin EOF, when asked).

use std::io::{Read, Write};
use std::process::ExitCode;

use delegated_admin_emulator::cli::{parse_args, CliOptions, Command, USAGE};
use delegated_admin_emulator::{listen_url, serve_with_shutdown};
use tokio::net::TcpListener;

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Command::Run(options)) => options,
        Ok(Command::Help) => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            // The usage only on --help: an error names what is wrong and where the options are.
            eprintln!("da-emulator: {message}\nRun 'da-emulator --help' for the options.");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("da-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let code = runtime.block_on(run(*options));
    // Do not wait for connections held open (e.g. by the `hang` fault).
    runtime.shutdown_background();
    code
}

async fn run(options: CliOptions) -> ExitCode {
    let config = options.config;
    let listener = match TcpListener::bind((config.host.as_str(), config.port)).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!(
                "da-emulator: cannot bind {}:{}: {e}",
                config.host, config.port
            );
            return ExitCode::FAILURE;
        }
    };
    let url = match listener.local_addr() {
        Ok(addr) => listen_url(&addr),
        Err(e) => {
            eprintln!("da-emulator: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "listening on {url}");
    let _ = stdout.flush();
    match serve_with_shutdown(config, listener, shutdown_signal(options.exit_on_stdin_eof)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("da-emulator: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Completes on ctrl-c, SIGTERM, or (when asked) end of standard input.
async fn shutdown_signal(exit_on_stdin_eof: bool) {
    let stdin_eof = async move {
        if !exit_on_stdin_eof {
            return std::future::pending().await;
        }
        let (eof, at_eof) = tokio::sync::oneshot::channel::<()>();
        // A plain thread: a blocking read would keep a runtime's blocking pool from shutting down.
        std::thread::spawn(move || {
            let mut buffer = [0u8; 4096];
            let mut stdin = std::io::stdin();
            while matches!(stdin.read(&mut buffer), Ok(n) if n > 0) {}
            let _ = eof.send(());
        });
        let _ = at_eof.await;
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate() => {}
        () = stdin_eof => {}
    }
}

#[cfg(unix)]
async fn terminate() {
    use tokio::signal::unix::{signal, SignalKind};
    match signal(SignalKind::terminate()) {
        Ok(mut term) => {
            term.recv().await;
        }
        Err(_) => std::future::pending().await,
    }
}

#[cfg(not(unix))]
async fn terminate() {
    std::future::pending().await
}
