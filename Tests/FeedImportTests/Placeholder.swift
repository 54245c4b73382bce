import Testing
import FeedImport
import Foundation

@Test func dumpRealFeeds() throws {
    let dir = "/work/shared/feeds/real"
    for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name.hasSuffix(".xml") {
        var out = "== \(name)\n"
        do {
            let reader = try FeedReader(contentsOf: dir + "/" + name, displayName: name)
            while let r = try reader.next() {
                out += "record line \(r.line) format \(r.format)\n"
                for f in r.fields {
                    out += "  \(f.name) [\(f.origin)] L\(f.line) = \(f.value.prefix(60).debugDescription)\(f.children.isEmpty ? "" : " children: " + f.children.map { "\($0.name)=\($0.value)" }.joined(separator: ","))\n"
                }
            }
            out += "feed diags: \(reader.feedDiagnostics.map(\.description))\n"
        } catch {
            out += "ERROR \(error)\n"
        }
        try out.write(toFile: "/tmp/dump/\(name).txt", atomically: true, encoding: .utf8)
    }
}
