/// What changed between two revisions of a campaign, field by field.
public struct ManifestChange: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The field's path in the manifest (`cards[2].buy_button.destination.ascii`).
    public var path: String
    /// The old value as compact JSON (`nil`: the field is new).
    public var before: String?
    /// The new value (`nil`: the field is gone).
    public var after: String?

    /// Creates a change.
    public init(path: String, before: String?, after: String?) {
        self.path = path
        self.before = before
        self.after = after
    }

    public var description: String {
        "\(path): \(before ?? "(none)") → \(after ?? "(none)")"
    }
}

extension CampaignManifest {
    /// Every leaf that differs between two manifests, in path order. Links appear with both their
    /// ASCII (punycode) and Unicode forms, so a look-alike destination is visible in the diff.
    public static func changes(from old: CanonicalJSON, to new: CanonicalJSON) -> [ManifestChange] {
        var before: [String: String] = [:]
        var after: [String: String] = [:]
        flatten(old, path: "", into: &before)
        flatten(new, path: "", into: &after)
        return Set(before.keys).union(after.keys).sorted().compactMap { path in
            before[path] == after[path] ? nil : ManifestChange(path: path, before: before[path], after: after[path])
        }
    }

    private static func flatten(_ value: CanonicalJSON, path: String, into leaves: inout [String: String]) {
        switch value {
        case .object(let members):
            if members.isEmpty {
                leaves[path] = "{}"
            }
            for (key, member) in members {
                flatten(member, path: path.isEmpty ? key : "\(path).\(key)", into: &leaves)
            }
        case .array(let items):
            if items.isEmpty {
                leaves[path] = "[]"
            }
            for (index, item) in items.enumerated() {
                flatten(item, path: "\(path)[\(index)]", into: &leaves)
            }
        case .string(let text):
            leaves[path] = text
        default:
            leaves[path] = value.canonicalString
        }
    }
}

extension CampaignStore {
    /// The changes between two revisions (default: the one before the latest, and the latest).
    public func campaignDiff(
        _ id: String,
        from: Int? = nil,
        to: Int? = nil
    ) throws -> (from: Int, to: Int, changes: [ManifestChange]) {
        let target = try campaignRevision(id, revision: to)
        let sourceNumber = from ?? max(1, target.revision - 1)
        let source = try campaignRevision(id, revision: sourceNumber)
        let changes = CampaignManifest.changes(
            from: try CanonicalJSON(parsing: source.manifestJSON),
            to: try CanonicalJSON(parsing: target.manifestJSON)
        )
        return (source.revision, target.revision, changes)
    }
}
