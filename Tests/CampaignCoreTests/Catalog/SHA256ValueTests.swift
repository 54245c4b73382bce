import Crypto
import Foundation
import Testing

@testable import CampaignCore

/// The import's inline SHA-256 values hold exactly the digest's bytes, as stored and compared.
@Suite struct SHA256ValueTests {
    let digest = SHA256.hash(data: Data("campaignctl".utf8))

    @Test func itsBytesAreTheDigests() {
        let value = SHA256Value(digest)
        #expect(value.data == Data(digest))
        #expect(value.isStored(in: Data(digest)))
        #expect(value == SHA256Value(digest))
        #expect(Set([value, SHA256Value(digest)]).count == 1)
    }

    @Test func anyOtherStoredValueIsNotIt() {
        let value = SHA256Value(digest)
        var flipped = Data(digest)
        flipped[31] ^= 1
        #expect(!value.isStored(in: flipped))
        #expect(!value.isStored(in: Data(digest).prefix(31)))
        #expect(!value.isStored(in: Data(digest) + [0]))
        #expect(!value.isStored(in: nil))
        #expect(value != SHA256Value(SHA256.hash(data: Data("campaignctl!".utf8))))
    }

    @Test func noValueIsStoredOnlyAsNULL() {
        #expect(SHA256Value.isStored(nil, in: nil))
        #expect(!SHA256Value.isStored(nil, in: Data(digest)))
        #expect(!SHA256Value.isStored(SHA256Value(digest), in: nil))
        #expect(SHA256Value.isStored(SHA256Value(digest), in: Data(digest)))
    }
}
