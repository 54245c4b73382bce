import Testing

@testable import CampaignCore

@Suite("SeenSet")
struct SeenSetTests {
    @Test(
        "finds every inserted key with its line and action, and nothing else, whether sized or grown",
        arguments: [0, 1_000, 50_000]
    )
    func manyKeys(expectedCount: Int) {
        var set = SeenSet(expectedCount: expectedCount)
        let count = 50_000
        for index in 0..<count {
            set.insert(SeenSet.Key("sku-\(index)"), line: index + 1, action: index % 3 == 0 ? .added : .unchanged)
        }
        for index in 0..<count {
            let entry = set.lookup(SeenSet.Key("sku-\(index)"))
            #expect(entry?.line == UInt32(index + 1))
            #expect(entry?.action == (index % 3 == 0 ? .added : .unchanged))
        }
        for index in count..<(count + 5_000) {
            #expect(set.lookup(SeenSet.Key("sku-\(index)")) == nil)
        }
    }

    @Test("a key with the same primary hash but another check hash is a different key")
    func checkHashSeparatesKeys() {
        var set = SeenSet()
        let first = SeenSet.Key(primary: 0x1234_5678_9ABC_DEF0, check: 1)
        let second = SeenSet.Key(primary: 0x1234_5678_9ABC_DEF0, check: 2)
        set.insert(first, line: 10, action: .added)
        #expect(set.lookup(second) == nil)
        set.insert(second, line: 20, action: .rejected)
        #expect(set.lookup(first)?.line == 10)
        #expect(set.lookup(second)?.line == 20)
        #expect(set.lookup(second)?.action == .rejected)
    }

    @Test("update changes the action and keeps the line; updating an unknown key adds nothing")
    func update() {
        var set = SeenSet()
        let key = SeenSet.Key("a")
        set.insert(key, line: 7, action: .changed)
        set.update(key, action: .duplicate)
        #expect(set.lookup(key)?.action == .duplicate)
        #expect(set.lookup(key)?.line == 7)
        set.update(SeenSet.Key("b"), action: .duplicate)
        #expect(set.lookup(SeenSet.Key("b")) == nil)
    }

    @Test("lines beyond 29 bits are clamped, not wrapped")
    func hugeLine() {
        var set = SeenSet()
        set.insert(SeenSet.Key("far"), line: 1 << 40, action: .added)
        #expect(set.lookup(SeenSet.Key("far"))?.line == SeenSet.maxLine)
    }
}
