import Glibc

// wharf-shim: one per container. Started detached by ShimConnection.launch with its
// listening socket as fd 3; see Shim for its life.
guard let args = ShimArguments.parse(CommandLine.arguments) else {
    let usage = "usage: wharf-shim --id ID --bundle DIR --runtime PATH --runtime-root DIR --log FILE --socket PATH [--tty] [--stdin] [--log-max-size BYTES] [--log-max-file N]\n"
    _ = usage.withCString { write(2, $0, strlen($0)) }
    exit(2)
}
Shim(args: args, listenFD: 3).run()
