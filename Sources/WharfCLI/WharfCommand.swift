import ArgumentParser
import WharfClient

/// `wharf`: docker's verbs over the Engine API.
public struct WharfCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "wharf",
        abstract: "A Docker-compatible container engine client.",
        subcommands: [
            Run.self, Create.self, Start.self, PS.self, Logs.self, Stop.self, Kill.self, Restart.self, Remove.self,
            Inspect.self, Wait.self, Attach.self, Exec.self, Images.self, Import.self, Tag.self, RemoveImage.self,
            Version.self, Info.self, Pause.self, Unpause.self, Rename.self, Top.self, ContainerGroup.self,
            Copy.self, Export.self, Diff.self, Events.self, Stats.self, Update.self, Commit.self, Port.self, VolumeGroup.self, SystemGroup.self, Pull.self, Push.self, Save.self, Load.self, Login.self, Logout.self, ImageGroup.self, History.self, Build.self, BuilderGroup.self,
        ]
    )

    public init() {}
}

/// The entry point the `wharf` executable calls.
public enum WharfMain {
    /// `wharf`, `wharf help`, `wharf --help`, `wharf help CMD` and `wharf CMD --help`. Handled
    /// here because some commands take their arguments verbatim (`run`'s command line) and
    /// `-h` means --hostname for run and create, as in docker.
    static func helpText(for args: [String]) -> String? {
        let commands = WharfCommand.configuration.subcommands
        func named(_ n: String) -> (any ParsableCommand.Type)? {
            commands.first { ($0.configuration.commandName ?? String(describing: $0).lowercased()) == n }
        }
        if args.isEmpty || args == ["help"] || args == ["--help"] || args == ["-h"] {
            return WharfCommand.helpMessage() + "\n"
        }
        if args.count == 2, args[0] == "help", let c = named(args[1]) {
            return WharfCommand.helpMessage(for: c) + "\n"
        }
        // `--help` among a command's own flags (before its positional arguments).
        if let first = args.first, let c = named(first) {
            for a in args.dropFirst() {
                if a == "--help" { return WharfCommand.helpMessage(for: c) + "\n" }
                if !a.hasPrefix("-") { break }
            }
        }
        return nil
    }

    /// Runs the CLI on `arguments` (without the program name) and returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        var args = arguments
        CLIContext.reset()
        // Global flags come before the command name, as with docker.
        while let first = args.first, first.hasPrefix("-") {
            if first == "-H" || first == "--host" {
                guard args.count > 1 else { Output.errLine("flag needs an argument: \(first)"); return 125 }
                CLIContext.hostFlag = args[1]
                args.removeFirst(2)
            } else if first.hasPrefix("--host=") {
                CLIContext.hostFlag = String(first.dropFirst(7))
                args.removeFirst()
            } else if first.hasPrefix("-H"), first.count > 2 {
                CLIContext.hostFlag = String(first.dropFirst(2))
                args.removeFirst()
            } else if first == "-D" || first == "--debug" {
                args.removeFirst()
            } else if first == "-l" || first == "--log-level" || first == "--context" || first == "-c" || first == "--config" {
                args.removeFirst(min(2, args.count))
            } else if first == "-v" || first == "--version" {
                Output.line("Wharf version \(WharfClientVersion.string)")
                return 0
            } else {
                break
            }
        }
        args = ManagementAliases.rewrite(args)
        args = normalizeBooleans(args)
        if let help = helpText(for: args) {
            Output.out(help)
            return 0
        }
        let command: any ParsableCommand
        do {
            command = try WharfCommand.parseAsRoot(args)
        } catch {
            let code = WharfCommand.exitCode(for: error)
            let message = WharfCommand.fullMessage(for: error)
            if code == .success {
                Output.line(message)
                return 0
            }
            let sub = args.first.map { " " + $0 } ?? ""
            Output.errLine(message)
            Output.errLine("\nRun 'wharf\(sub) --help' for more information")
            return 125
        }
        do {
            var c = command
            try c.run()
            return 0
        } catch let e as CLIError {
            switch e {
            case .exit(let code): return code
            case .status(let m, let code):
                if !m.isEmpty { Output.errLine(m) }
                return code
            case .message(let m):
                Output.errLine(m)
                return 1
            }
        } catch let e as ExitCode {
            return e.rawValue
        } catch {
            Output.errLine(describe(error))
            return 1
        }
    }

    /// `--sig-proxy=false` → `--no-sig-proxy` (ArgumentParser flags take no `=value`).
    static func normalizeBooleans(_ args: [String]) -> [String] {
        var out: [String] = []
        var passthrough = false
        for a in args {
            if passthrough || a == "--" {
                passthrough = true
                out.append(a)
                continue
            }
            if a.hasPrefix("--sig-proxy=") {
                let value = a.dropFirst("--sig-proxy=".count)
                out.append(value == "false" || value == "0" ? "--no-sig-proxy" : "--sig-proxy")
                continue
            }
            out.append(a)
        }
        return out
    }
}

public enum WharfClientVersion {
    public static let string = "0.1.0"
}
