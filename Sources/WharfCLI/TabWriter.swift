/// Go's `text/tabwriter` as docker configures it (minwidth 10, tabwidth 1, padding 3,
/// blanks): cells end at `\t`; each column is as wide as its widest cell plus 3, at least 10;
/// the last cell of a line is not padded. Widths count Unicode scalars, as Go counts runes.
public struct TabWriter {
    public var minWidth = 10
    public var padding = 3
    private var lines: [[String]] = []

    public init() {}

    public mutating func add(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lines.append(line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init))
        }
        if text.hasSuffix("\n") { lines.removeLast() }
    }

    public func render() -> String {
        var out = ""
        // Column blocks: consecutive lines that have a tab-terminated cell in column k.
        var widths = Array(repeating: [Int](), count: lines.count)
        let maxCols = lines.map { $0.count - 1 }.max() ?? 0
        for col in 0..<max(maxCols, 0) {
            var i = 0
            while i < lines.count {
                guard lines[i].count - 1 > col else { i += 1; continue }
                var j = i
                var w = 0
                while j < lines.count, lines[j].count - 1 > col {
                    w = max(w, lines[j][col].unicodeScalars.count)
                    j += 1
                }
                let width = max(minWidth, w + padding)
                for k in i..<j { widths[k].append(width) }
                i = j
            }
        }
        for (n, cells) in lines.enumerated() {
            for (c, cell) in cells.enumerated() {
                out += cell
                if c < cells.count - 1 {
                    let w = c < widths[n].count ? widths[n][c] : minWidth
                    out += String(repeating: " ", count: max(0, w - cell.unicodeScalars.count))
                }
            }
            out += "\n"
        }
        return out
    }
}
