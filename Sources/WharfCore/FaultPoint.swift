#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Crash points for the live-restore tests. With `WHARFD_CRASH_AT=<name>` in its
/// environment, wharfd kills itself with SIGKILL on reaching that point, as an OOM kill or a
/// power cut would, so the tests can show that a restart loses nothing. Unset, a check is
/// one comparison with nil.
public enum FaultPoint {
    static let armed: String? = getenv("WHARFD_CRASH_AT").map { String(cString: $0) }

    public static func hit(_ name: StaticString) {
        guard let armed, armed == name.description else { return }
        kill(getpid(), SIGKILL)
    }
}
