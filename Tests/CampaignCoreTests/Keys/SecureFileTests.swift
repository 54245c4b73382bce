import Foundation
import Testing

@testable import CampaignCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct SecureFileTests {
    @Test func creatingWithoutReplacingNeverClobbersAFileThatAppearedMeanwhile() throws {
        let folder = "\(FileManager.default.temporaryDirectory.path)/securefile-\(UUID().uuidString)"
        try SecureFile.ensureFolder(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/alice.key"
        try SecureFile.writeFile(Array("old".utf8), to: path, mode: 0o600, replacing: false)
        #expect(throws: KeystoreError.io(path: path, operation: "create", errno: EEXIST)) {
            try SecureFile.writeFile(Array("new".utf8), to: path, mode: 0o600, replacing: false)
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
        try SecureFile.writeFile(Array("newer".utf8), to: path, mode: 0o600, replacing: true)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "newer")
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["alice.key"])
    }

    @Test func aFileOwnedByAnotherUserIsRefused() throws {
        let folder = "\(FileManager.default.temporaryDirectory.path)/securefile-\(UUID().uuidString)"
        try SecureFile.ensureFolder(folder)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = "\(folder)/state.json"
        try SecureFile.writeFile(Array("{}".utf8), to: path, mode: 0o600, replacing: true)
        // Only root can hand a file to someone else; elsewhere this attack cannot be staged.
        guard geteuid() == 0 else {
            return
        }
        #expect(chown(path, 65534, 65534) == 0)
        #expect(throws: KeystoreError.wrongOwner(path: path, uid: 65534)) {
            try SecureFile.readFile(path, forbidden: SecureFile.groupOrOtherAccess, suggestedMode: 0o600, maxBytes: 100)
        }
    }
}
