/// A place in an input file: the file as the user named it and a 1-based line (0 when unknown).
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The path as the user gave it, so messages point where they expect.
    public var file: String
    /// 1-based line number; 0 when the problem concerns the whole file.
    public var line: Int

    /// Creates a location.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `file:line`, or just `file` when the line is unknown.
    public var description: String {
        line > 0 ? "\(file):\(line)" : file
    }
}
