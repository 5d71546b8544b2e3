import WharfCLI

#if canImport(Glibc)
import Glibc
#endif

exit(WharfMain.main(Array(CommandLine.arguments.dropFirst())))
