import ArgumentParser
import WharfClient

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Return low-level information on Docker objects")

    @Option(name: .shortAndLong, help: "Format output using a custom template") var format: String?
    @Option(help: "Return JSON for specified type") var type: String?
    @Flag(name: .shortAndLong, help: "Display total file sizes if the type is container") var size = false
    @Argument(help: "NAME|ID...") var names: [String] = []

    func run() throws {
        guard !names.isEmpty else { throw CLIError.message("\"wharf inspect\" requires at least 1 argument.") }
        let client = try CLIContext.client()
        var kinds: [(String, (String) -> String)]
        let containerPath: (String) -> String = { "/containers/\(Query.escapePath($0))/json" }
        let imagePath: (String) -> String = { "/images/\(Query.escapePath($0))/json" }
        switch type {
        case nil: kinds = [("container", containerPath), ("image", imagePath),
                           ("network", { "/networks/\(Query.escapePath($0))" }),
                           ("volume", { "/volumes/\(Query.escapePath($0))" })]
        case "container": kinds = [("container", containerPath)]
        case "image": kinds = [("image", imagePath)]
        case "network": kinds = [("network", { "/networks/\(Query.escapePath($0))" })]
        case "volume": kinds = [("volume", { "/volumes/\(Query.escapePath($0))" })]
        case let t?: throw CLIError.message("\"\(t)\" is not a valid value for --type")
        }
        var raws: [[UInt8]] = []
        var errors: [String] = []
        for name in names {
            var found: [UInt8]?
            var lastError: (any Error)?
            for (kind, path) in kinds {
                var q = Query()
                if kind == "container" && size { q.add("size", "1") }
                do {
                    found = try client.data("GET", path(name), query: q)
                    break
                } catch let e as APIError where e.status == 404 {
                    lastError = e
                    continue
                } catch {
                    lastError = error
                    break
                }
            }
            if let found {
                raws.append(found)
            } else if kinds.count > 1 || lastError is APIError && (lastError as! APIError).status == 404 {
                if kinds.count > 1 { errors.append("Error: No such object: \(name)") } else { errors.append("Error: No such \(type ?? "object"): \(name)") }
            } else if let lastError {
                errors.append(describe(lastError))
            }
        }
        try InspectOutput.print(raws, format: format)
        for e in errors { Output.errLine(e) }
        if !errors.isEmpty { throw CLIError.exit(1) }
    }
}

enum InspectOutput {
    /// docker's inspect printing: without a format, the raw objects as one JSON array
    /// indented by 4 spaces; with one, one template result per object.
    static func print(_ raws: [[UInt8]], format: String?) throws {
        if let format, !format.isEmpty {
            let f = format.replacingAll("\\t", "\t").replacingAll("\\n", "\n")
            let template: GoTemplate
            do { template = try GoTemplate(f) } catch { throw CLIError.message("template parsing error: \(error)") }
            var out = TextBuffer()
            for raw in raws {
                let value = try JSON(parsing: raw)
                do {
                    out.line(try template.execute(value))
                } catch {
                    out.flush()
                    throw CLIError.message("template parsing error: \(error)")
                }
            }
            out.flush()
            return
        }
        if raws.isEmpty {
            Output.line("[]")
            return
        }
        var joined: [UInt8] = [UInt8(ascii: "[")]
        for (i, r) in raws.enumerated() {
            if i > 0 { joined.append(UInt8(ascii: ",")) }
            joined += r
        }
        joined.append(UInt8(ascii: "]"))
        Output.write(1, JSON.indent(joined) + [10])
    }
}
