import Foundation
public import Testing

/// Compares `actual` with the golden file `Golden/<name>` next to the calling test file.
///
/// `RECORD_GOLDEN=1` rewrites the file and fails the test, so that a recording run can never pass
/// by accident (swift-argument-parser's snapshot rule). A mismatch reports the first differing line.
public func assertGolden(
    _ actual: String,
    named name: String,
    filePath: String = #filePath,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let folder = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden")
    let url = folder.appendingPathComponent(name)
    let record = ProcessInfo.processInfo.environment["RECORD_GOLDEN"] == "1"
    guard !record, let expected = try? String(contentsOf: url, encoding: .utf8) else {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
            Issue.record(
                Comment(rawValue: "recorded golden file \(url.path); run again without RECORD_GOLDEN"),
                sourceLocation: sourceLocation
            )
        } catch {
            Issue.record(
                Comment(rawValue: "cannot record golden file \(url.path): \(error)"),
                sourceLocation: sourceLocation
            )
        }
        return
    }
    guard expected != actual else {
        return
    }
    let expectedLines = expected.components(separatedBy: "\n")
    let actualLines = actual.components(separatedBy: "\n")
    let index =
        zip(expectedLines, actualLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        ?? min(expectedLines.count, actualLines.count)
    let want = index < expectedLines.count ? expectedLines[index] : "(end of file)"
    let got = index < actualLines.count ? actualLines[index] : "(end of output)"
    let message = "output differs from golden file \(name) at line \(index + 1):\n  expected: \(want)\n"
    Issue.record(
        Comment(rawValue: message + "  actual:   \(got)\n(RECORD_GOLDEN=1 re-records it)"),
        sourceLocation: sourceLocation
    )
}
