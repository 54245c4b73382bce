import FeedImport
import Testing

/// What changes between the google, meta and x profiles.
struct ProfileTests {
    @Test(arguments: [("google", "google"), ("Meta", "meta"), ("X", "x")])
    func profilesAreFoundByName(name: String, expected: String) {
        #expect(ValidationProfile.named(name)?.name == expected)
    }

    @Test func unknownProfileNameIsNil() {
        #expect(ValidationProfile.named("tiktok") == nil)
    }

    @Test func googleIsTheDefaultProfile() {
        #expect(ItemValidator(file: "f.xml").profile == .google)
    }

    // MARK: id, title, description, brand limits

    @Test(arguments: [("google", 50), ("meta", 100), ("x", 100)])
    func idLimitFollowsTheProfile(name: String, limit: Int) throws {
        let profile = try #require(ValidationProfile.named(name))
        expectClean(validate(Sample.record(["id": Sample.text(limit)]), profile: profile))
        let record = Sample.record(["id": Sample.text(limit + 1)])
        expectOnly(
            validate(record, profile: profile),
            "id_too_long",
            .error,
            attribute: "id",
            line: record.line(of: "id")
        )
    }

    @Test(arguments: [("google", 150), ("meta", 200), ("x", 150)])
    func titleLimitFollowsTheProfile(name: String, limit: Int) throws {
        let profile = try #require(ValidationProfile.named(name))
        expectClean(validate(Sample.record(["title": Sample.text(limit)]), profile: profile))
        let record = Sample.record(["title": Sample.text(limit + 1)])
        expectOnly(
            validate(record, profile: profile),
            "title_too_long",
            .error,
            attribute: "title",
            line: record.line(of: "title")
        )
    }

    @Test(arguments: [("google", 5000), ("meta", 9999), ("x", 5000)])
    func descriptionLimitFollowsTheProfile(name: String, limit: Int) throws {
        let profile = try #require(ValidationProfile.named(name))
        expectClean(validate(Sample.record(["description": Sample.text(limit)]), profile: profile))
        let record = Sample.record(["description": Sample.text(limit + 1)])
        let item = validate(record, profile: profile)
        expectOnly(
            item,
            "description_too_long",
            .warning,
            attribute: "description",
            line: record.line(of: "description")
        )
        #expect(try #require(item.product).description?.count == limit)
    }

    @Test(arguments: [("google", 70), ("meta", 100), ("x", 100)])
    func brandLimitFollowsTheProfile(name: String, limit: Int) throws {
        let profile = try #require(ValidationProfile.named(name))
        expectClean(validate(Sample.record(["brand": Sample.text(limit)]), profile: profile))
        let record = Sample.record(["brand": Sample.text(limit + 1)])
        expectOnly(
            validate(record, profile: profile),
            "brand_too_long",
            .error,
            attribute: "brand",
            line: record.line(of: "brand")
        )
    }

    // MARK: description HTML

    @Test(arguments: [ValidationProfile.meta, .x])
    func plainTextChannelsWarnAboutHTML(profile: ValidationProfile) throws {
        for html in ["<p>Soft <strong>cotton</strong></p>", "<b>bold</b>"] {
            let record = Sample.record(["description": html])
            let item = validate(record, profile: profile)
            expectOnly(
                item,
                "description_has_html",
                .warning,
                attribute: "description",
                line: record.line(of: "description")
            )
            #expect(try #require(item.product).description == html)
        }
    }

    @Test(arguments: ValidationProfile.all)
    func unsafeHTMLIsAnErrorInEveryProfile(profile: ValidationProfile) {
        let record = Sample.record(["description": "<script>x()</script>"])
        expectOnly(
            validate(record, profile: profile),
            "unsafe_html",
            .error,
            attribute: "description",
            line: record.line(of: "description")
        )
    }

    // MARK: availability

    @Test(arguments: [
        ("in stock", Availability.inStock), ("out of stock", .outOfStock),
        ("available for order", .inStock), ("in_stock", .inStock), ("preorder", .preorder),
    ])
    func metaSpellingsAreNativeForMetaAndX(value: String, expected: Availability) throws {
        for profile in [ValidationProfile.meta, .x] {
            let item = validate(
                Sample.record(["availability": value, "availability_date": "2026-03-01"]),
                profile: profile
            )
            expectClean(item)
            #expect(try #require(item.product).availability == expected)
        }
    }

    @Test func metaSpellingWarnsInTheGoogleProfile() {
        let record = Sample.record(["availability": "in stock"])
        expectOnly(
            validate(record, profile: .google),
            "noncanonical_value",
            .warning,
            attribute: "availability",
            line: record.line(of: "availability")
        )
    }

    @Test(arguments: ["discontinued", "pending", "mark_as_sold"])
    func metaOnlyAvailabilityIsMappedToOutOfStock(value: String) throws {
        for profile in [ValidationProfile.meta, .x] {
            let record = Sample.record(["availability": value])
            let item = validate(record, profile: profile)
            expectOnly(
                item,
                "availability_mapped",
                .warning,
                attribute: "availability",
                line: record.line(of: "availability")
            )
            #expect(try #require(item.product).availability == .outOfStock)
        }
        let item = validate(Sample.record(["availability": value]), profile: .google)
        #expect(item.codes == ["invalid_availability"])
    }

    // MARK: age_group

    @Test(arguments: ["all ages", "teen", "All Ages"])
    func metaAgeGroupsAreAcceptedOnlyByMetaAndX(value: String) throws {
        for profile in [ValidationProfile.meta, .x] {
            let item = validate(Sample.record(["age_group": value]), profile: profile)
            #expect(!item.hasErrors)
            #expect(try #require(item.product).attributes["age_group"] == .text(value.lowercased()))
        }
        #expect(validate(Sample.record(["age_group": value]), profile: .google).codes == ["invalid_age_group"])
    }

    // MARK: brand and identifiers

    @Test(arguments: [ValidationProfile.meta, .x])
    func metaAndXNeedABrandOnlyWithoutGTINOrMPN(profile: ValidationProfile) {
        expectClean(validate(Sample.record(["brand": nil]), profile: profile))
        expectClean(validate(Sample.record(["brand": nil, "gtin": nil, "mpn": "AC-1"]), profile: profile))
        let item = validate(Sample.record(["brand": nil, "gtin": nil]), profile: profile)
        expectOnly(item, "missing_brand", .error, attribute: "brand", line: Sample.recordLine)
        // A used product still needs one in these profiles.
        #expect(
            validate(Sample.record(["brand": nil, "gtin": nil, "condition": "used"]), profile: profile).codes
                == ["missing_brand"]
        )
    }

    @Test(arguments: [ValidationProfile.meta, .x])
    func metaAndXDoNotAskForIdentifiers(profile: ValidationProfile) {
        expectClean(validate(Sample.record(["gtin": nil]), profile: profile))
    }
}
