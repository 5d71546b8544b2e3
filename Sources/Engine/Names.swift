import WharfCore

/// Container names: Docker's rule (`[a-zA-Z0-9][a-zA-Z0-9_.-]+`) and a random
/// `adjective_noun` when none is given.
enum ContainerNames {
    static func validate(_ name: String) throws -> String {
        let n = name.hasPrefix("/") ? String(name.dropFirst()) : name
        let bytes = Array(n.utf8)
        func ok(_ c: UInt8, first: Bool) -> Bool {
            let alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
            return first ? alnum : alnum || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
        }
        guard bytes.count >= 2, ok(bytes[0], first: true), bytes.dropFirst().allSatisfy({ ok($0, first: false) }) else {
            throw WharfError.invalid("Invalid container name (\(name)), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")
        }
        return n
    }

    private static let adjectives = [
        "amazing", "bold", "brave", "calm", "clever", "cool", "crisp", "daring", "eager", "elegant",
        "fervent", "focused", "gallant", "gentle", "happy", "hopeful", "jolly", "keen", "kind", "lively",
        "loving", "lucid", "merry", "modest", "nifty", "noble", "patient", "placid", "quick", "quiet",
        "relaxed", "serene", "sharp", "steady", "sunny", "tender", "trusting", "upbeat", "vibrant", "vivid",
        "wise", "witty", "youthful", "zealous", "zen",
    ]

    private static let nouns = [
        "agnesi", "babbage", "bardeen", "bohr", "boole", "cerf", "curie", "darwin", "dijkstra", "einstein",
        "euler", "faraday", "fermat", "feynman", "gauss", "goodall", "hamilton", "hopper", "hypatia", "kepler",
        "knuth", "lamport", "leakey", "lovelace", "mayer", "mendel", "newton", "noether", "pascal", "pasteur",
        "perlman", "planck", "ritchie", "sammet", "shannon", "tesla", "thompson", "torvalds", "turing", "wilson",
        "wozniak", "yalow",
    ]

    static func random() -> String {
        adjectives.randomElement()! + "_" + nouns.randomElement()!
    }
}

enum ContainerID {
    static func generate() -> String {
        var g = SystemRandomNumberGenerator()
        var s = ""
        for _ in 0..<4 {
            let v = g.next() as UInt64
            var h = String(v, radix: 16)
            while h.count < 16 { h = "0" + h }
            s += h
        }
        // Docker avoids IDs that read as numbers, so a short ID never parses as one.
        if s.prefix(12).allSatisfy({ $0.isNumber }) { return generate() }
        return s
    }
}
