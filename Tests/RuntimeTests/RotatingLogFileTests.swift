import Foundation
import Runtime
import XCTest

final class RotatingLogFileTests: XCTestCase {
    var dir = ""
    var path: String { dir + "/c-json.log" }
    let time = Array("2026-11-29T16:53:05.612217442Z".utf8)

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "rotlog-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    /// One json-file entry whose "log" is `line #<seq> <padding>\n`.
    func entry(_ seq: Int, pad: Int = 0) -> [UInt8] {
        let line = Array("line #\(seq) \(String(repeating: "x", count: pad))".utf8)
        var out: [UInt8] = []
        line.withUnsafeBytes { JSONLog.appendEntry(line: $0, newline: true, stream: "stdout", time: time, to: &out) }
        return out
    }

    func files() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    func bytes(_ p: String) -> [UInt8] {
        (try? Array(Data(contentsOf: URL(fileURLWithPath: p)))) ?? []
    }

    /// The sequence numbers in a log file; fails on anything but whole, valid JSON lines.
    func seqs(_ p: String, file: StaticString = #filePath, line: UInt = #line) -> [Int] {
        let b = bytes(p)
        if b.isEmpty { return [] }
        XCTAssertEqual(b.last, 0x0a, "\(p) ends mid-line", file: file, line: line)
        return b.split(separator: 0x0a).compactMap { l -> Int? in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(l)) as? [String: Any],
                  let log = obj["log"] as? String, obj["stream"] as? String == "stdout",
                  obj["time"] as? String == "2026-11-29T16:53:05.612217442Z" else {
                XCTFail("not a json-file entry in \(p): \(String(decoding: l, as: UTF8.self))", file: file, line: line)
                return nil
            }
            let digits = log.dropFirst("line #".count).prefix { $0.isNumber }
            return Int(digits)
        }
    }

    func testRotatesLikeDocker() throws {
        let log = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 3)
        // Batches of 1…7 entries of varying length, as the shim writes what one read gave.
        var seq = 0
        var batch = 0
        while seq < 400 {
            var buf: [UInt8] = []
            for _ in 0..<min(batch % 7 + 1, 400 - seq) {
                buf += entry(seq, pad: (seq * 37) % 120)
                seq += 1
            }
            try log.write(buf)
            batch += 1
            XCTAssertLessThanOrEqual(log.size, 1000)
        }
        XCTAssertEqual(files(), ["c-json.log", "c-json.log.1", "c-json.log.2"])
        for p in [path, path + ".1", path + ".2"] {
            XCTAssertLessThanOrEqual(bytes(p).count, 1000, p)
        }
        XCTAssertEqual(Int64(bytes(path).count), log.size)
        let s2 = seqs(path + ".2"), s1 = seqs(path + ".1"), s0 = seqs(path)
        XCTAssertFalse(s2.isEmpty || s1.isEmpty || s0.isEmpty)
        // Oldest to newest with nothing missing: only entries older than log.2 were dropped.
        let all = s2 + s1 + s0
        XCTAssertEqual(all, Array(all.first!..<seq))
        XCTAssertGreaterThan(all.first!, 0)
        // Each rotated file was full: the first entry of the next one did not fit.
        XCTAssertGreaterThan(bytes(path + ".2").count + entry(s1[0], pad: (s1[0] * 37) % 120).count, 1000)
        XCTAssertGreaterThan(bytes(path + ".1").count + entry(s0[0], pad: (s0[0] * 37) % 120).count, 1000)
    }

    func testEntryLargerThanMaxSizeGetsItsOwnFile() throws {
        let log = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 3)
        try log.write(entry(0))
        let big = entry(1, pad: 3000)
        try log.write(big + entry(2))  // one batch: rotated before and after the big one
        XCTAssertEqual(seqs(path + ".2"), [0])
        XCTAssertEqual(seqs(path + ".1"), [1])
        XCTAssertEqual(bytes(path + ".1"), big)
        XCTAssertEqual(seqs(path), [2])
        // An empty file is never rotated: a big first entry stays in it.
        try FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let fresh = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 3)
        try fresh.write(big)
        XCTAssertEqual(files(), ["c-json.log"])
        XCTAssertEqual(seqs(path), [1])
    }

    func testMaxFileOneStartsOver() throws {
        let log = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 1)
        var seq = 0
        while seq < 100 {
            try log.write(entry(seq, pad: 40))
            seq += 1
            XCTAssertLessThanOrEqual(bytes(path).count, 1000)
        }
        XCTAssertEqual(files(), ["c-json.log"])
        let s = seqs(path)
        XCTAssertEqual(s.last, 99)
        XCTAssertEqual(s, Array(s.first!...99))
        XCTAssertGreaterThan(s.first!, 0)
        // Defaults: max-file 1, as Docker's.
        XCTAssertEqual(try RotatingLogFile(path: dir + "/other.log", maxSize: 10).maxFile, 1)
    }

    func testUnlimitedNeverRotates() throws {
        for maxSize: Int64? in [nil, 0] {
            let p = dir + "/u\(maxSize == nil ? "nil" : "0").log"
            let log = try RotatingLogFile(path: p, maxSize: maxSize, maxFile: 3)
            for i in 0..<200 { try log.write(entry(i, pad: 50)) }
            XCTAssertEqual(seqs(p), Array(0..<200))
            XCTAssertFalse(FileManager.default.fileExists(atPath: p + ".1"))
        }
    }

    func testReopenKnowsTheSizeAndKeepsOlderFiles() throws {
        // A container started again: the shim reopens the log that is already there.
        var log: RotatingLogFile? = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 3)
        for i in 0..<12 { try log!.write(entry(i, pad: 10)) }  // about one rotation
        log = nil
        let before = bytes(path).count
        log = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 3)
        XCTAssertEqual(log!.size, Int64(before))
        for i in 12..<40 { try log!.write(entry(i, pad: 10)) }
        let all = seqs(path + ".2") + seqs(path + ".1") + seqs(path)
        XCTAssertEqual(all, Array(all.first!..<40))
        for p in [path, path + ".1", path + ".2"] { XCTAssertLessThanOrEqual(bytes(p).count, 1000) }
        // Nothing beyond max-file is ever left behind, even from a larger earlier setting.
        _ = FileManager.default.createFile(atPath: path + ".3", contents: Data("stale\n".utf8))
        for i in 40..<80 { try log!.write(entry(i, pad: 10)) }
        XCTAssertTrue(FileManager.default.fileExists(atPath: path + ".3"))  // Docker leaves it too
        XCTAssertEqual(seqs(path).last, 79)
    }

    func testDescriptorIsAppendOnly() throws {
        let log = try RotatingLogFile(path: path, maxSize: 1000, maxFile: 2)
        try log.write(entry(0))
        // Someone else appends (or truncates) behind our back: O_APPEND never overwrites.
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        h.seekToEndOfFile()
        h.write(Data(entry(1)))
        try h.close()
        try log.write(entry(2))
        XCTAssertEqual(seqs(path), [0, 1, 2])
    }

    func testLaunchArguments() {
        var o = ShimLaunchOptions(id: "c", bundle: "/b", runtimeRoot: "/r", logPath: "/l", shimPath: "/s",
                                  socketPath: "/sock")
        XCTAssertFalse(o.arguments.contains("--log-max-size"))
        XCTAssertFalse(o.arguments.contains("--log-max-file"))
        o.logMaxSize = 10 * 1024 * 1024
        o.logMaxFile = 3
        XCTAssertEqual(Array(o.arguments.suffix(4)), ["--log-max-size", "10485760", "--log-max-file", "3"])
    }
}
