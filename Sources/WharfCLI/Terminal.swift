#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CWharf

/// The controlling terminal: its size and raw mode for `-it`.
enum Terminal {
    nonisolated(unsafe) private static var saved: termios?

    /// Rows and columns of `fd`'s terminal, or nil when it is not one.
    static func size(_ fd: Int32 = 1) -> (rows: Int, cols: Int)? {
        var rows: UInt16 = 0
        var cols: UInt16 = 0
        guard isatty(fd) == 1, cwharf_get_winsize(fd, &rows, &cols) == 0 else { return nil }
        return (Int(rows), Int(cols))
    }

    /// Puts stdin in raw mode (as moby/term `MakeRaw`); `restore` undoes it.
    static func makeRaw() {
        guard isatty(0) == 1, saved == nil else { return }
        var t = termios()
        guard tcgetattr(0, &t) == 0 else { return }
        saved = t
        var raw = t
        cfmakeraw(&raw)
        // Keep output post-processing so "\n" written by us still returns the carriage.
        raw.c_oflag = t.c_oflag
        tcsetattr(0, TCSANOW, &raw)
    }

    static func restore() {
        guard var t = saved else { return }
        tcsetattr(0, TCSANOW, &t)
        saved = nil
    }
}

/// Signal handling for attached sessions: the signals are blocked in every thread and one
/// thread takes them with `sigwait`, so the handlers may do anything (HTTP requests,
/// restoring the terminal).
enum SignalThread {
    static let forwarded: [(Int32, String)] = [
        (SIGINT, "INT"), (SIGTERM, "TERM"), (SIGHUP, "HUP"), (SIGQUIT, "QUIT"), (SIGUSR1, "USR1"), (SIGUSR2, "USR2"),
    ]

    /// Blocks the signals and starts the thread. `handler` gets each signal.
    static func start(_ handler: @escaping @Sendable (Int32) -> Void) {
        var set = sigset_t()
        sigemptyset(&set)
        for (s, _) in forwarded { sigaddset(&set, s) }
        sigaddset(&set, SIGWINCH)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let captured = set
        spawnThreadRaw {
            var s = captured
            while true {
                var sig: Int32 = 0
                if sigwait(&s, &sig) == 0 { handler(sig) }
            }
        }
    }

    static func name(_ sig: Int32) -> String? { forwarded.first { $0.0 == sig }?.1 }
}

import WharfClient

func spawnThreadRaw(_ body: @escaping @Sendable () -> Void) { spawnThread(body) }
