/// An error found while reading the Dockerfile, before it is given Docker's prefix:
/// "failed to parse Dockerfile: " for the line-level parser, "dockerfile parse error on
/// line N: " for an instruction's arguments. Kept separate so the prefix is added once.
struct Failure: Error, Equatable {
    var message: String
    init(_ message: String) { self.message = message }
}
