#if canImport(Glibc)
import Glibc
#endif

/// unlink(2) for files whose absence is as good as their removal.
func unlinkIgnoringErrors(_ path: String) {
    _ = unlink(path)
}
