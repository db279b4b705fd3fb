using System.Collections.Immutable;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Subjects;

/// <summary>
/// The DataSubject grain called directly, not through the gateway, refuses the input that only the gateway used to
/// check, with the same field names, and stores nothing of it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SubjectGrainValidationTests(Platform platform)
{
    private const string BadAddress = "jane.doe(at)example.org";

    public static TheoryData<string, Func<IDataSubjectGrain, Task<SubjectChange>>> BadChanges => new()
    {
        { "recipients[0].email", g => g.SetRecipientsAsync("contact", [new Recipient("Acme Mailer", BadAddress)]) },
        { "recipients[0].email", g => g.SetRecipientsAsync("contact", [new Recipient("Acme Mailer", "Jane <jane@example.org>")]) },
        { "recipients[0].name", g => g.SetRecipientsAsync("contact", [new Recipient(new string('n', Recipient.MaxTextLength + 1), "dpo@mailer.example")]) },
        { "recipients[0].third_country", g => g.SetRecipientsAsync("contact", [new Recipient("Acme", "dpo@mailer.example", new string('c', Recipient.MaxTextLength + 1))]) },
        { "recipients", g => g.SetRecipientsAsync("contact", [.. Enumerable.Range(0, Recipient.MaxRecipients + 1).Select(i => new Recipient($"r{i}", $"r{i}@mailer.example"))]) },
        { "category", g => g.SetRecipientsAsync("Contact Details", [new Recipient("Acme", "dpo@mailer.example")]) },
        { "purpose", g => g.ObjectAsync("support case", directMarketing: false) },
        { "grounds", g => g.RecordCompellingGroundsAsync("support", new string('g', Objection.MaxGroundsLength + 1)) },
        { "ground", g => g.RestrictAsync(RestrictionGround.Unspecified, "officer-1") },
        { "subject_informed_at", g => g.LiftRestrictionAsync(default, "officer-1") },
        { "categories", g => g.PlaceLegalHoldAsync(new LegalHold(ErasureException.LegalClaims, ["Contact Details"], DateTimeOffset.UtcNow, "officer-1")) },
        { "ground", g => g.PlaceLegalHoldAsync(new LegalHold((ErasureException)99, [], DateTimeOffset.UtcNow, "officer-1")) },
    };

    [Theory]
    [MemberData(nameof(BadChanges))]
    public async Task ARightsChangeTheGatewayWouldRefuseIsRefusedByTheGrainAndChangesNothing(string field, Func<IDataSubjectGrain, Task<SubjectChange>> change)
    {
        // Arrange: a subject with a record, no recipients, no restriction, objection or hold
        var grain = await SubjectAsync();

        // Act
        var result = await change(grain);

        // Assert
        Assert.False(result.Done);
        Assert.Null(result.Refusal);
        Assert.Contains(result.Violations, v => v.Field == field);
        Assert.DoesNotContain(result.Violations, v => v.Description.Contains(BadAddress, StringComparison.Ordinal));
        var rights = await grain.GetRightsStateAsync();
        Assert.Equal((null, null, 0), (rights.Restriction, rights.Hold, rights.ObjectedPurposes.Length));
        Assert.Empty((await grain.GetRecipientsAsync()).Recipients);
    }

    [Fact]
    public async Task AnErasureWithoutAReasonOrWithAnOverLongOneErasesNothing()
    {
        // Arrange
        var grain = await SubjectAsync();

        // Act
        var blank = await grain.EraseAsync("officer-1", " ", partial: false);
        var overLong = await grain.EraseAsync("officer-1", new string('r', Custodian.Storage.ErasureRecord.MaxReasonLength + 1), partial: false);

        // Assert
        Assert.Equal("reason", Assert.Single(blank.Violations).Field);
        Assert.Equal("reason", Assert.Single(overLong.Violations).Field);
        Assert.Null(blank.Erasure);
        var listing = await grain.ListCategoriesAsync();
        Assert.Null(listing.Erasure);
        Assert.Equal(["contact"], listing.Categories.Select(c => c.Category));
    }

    [Theory]
    [InlineData("{0}/jane@example.org", "subject_id")]
    [InlineData("{0}/" + "x", null)]
    [InlineData("no-slash-{0}", "subject_id")]
    [InlineData("bad tenant {0}/s1", "tenant_id")]
    public async Task AGrainWhoseKeyIsNoSubjectRefStoresNoRecord(string keyFormat, string? field)
    {
        // Arrange
        var key = string.Format(System.Globalization.CultureInfo.InvariantCulture, keyFormat, Platform.NewId("acme"));
        var grain = platform.SiloGrains.GetGrain<IDataSubjectGrain>(key);

        // Act
        var put = await grain.PutRecordAsync(Contact());

        // Assert: a well-formed key stores, any other stores nothing
        string[] expected = field is null ? [] : [field];
        Assert.Equal(field is null, put.Stored);
        Assert.Equal(expected, put.Violations.Select(v => v.Field).Distinct());
        Assert.Equal(field is null ? 1 : 0, (await grain.ListCategoriesAsync()).Categories.Length);
    }

    [Fact]
    public async Task ARectificationWithoutFieldsIsInvalidWhenPlannedAndWhenApplied()
    {
        // Arrange
        var grain = await SubjectAsync();
        var plan = await grain.PlanRectificationAsync("contact", ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "new@example.org" }));

        // Act
        var planned = await grain.PlanRectificationAsync("contact", ImmutableSortedDictionary<string, string>.Empty);
        var applied = await grain.ApplyRectificationAsync("contact", ImmutableSortedDictionary<string, string>.Empty, plan.Version);

        // Assert
        Assert.Equal("fields", Assert.Single(planned.Violations).Field);
        Assert.False(applied.Done);
        Assert.False(applied.ChangedMeanwhile);
        Assert.Equal("fields", Assert.Single(applied.Violations).Field);
        Assert.Equal("old@example.org", (await grain.GetRecordAsync("contact", "support")).Record!.Record.Fields["email"]);
    }

    private async Task<IDataSubjectGrain> SubjectAsync()
    {
        var grain = platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(Platform.NewId("acme"), Platform.NewId("subj")).GrainKey);
        Assert.True((await grain.PutRecordAsync(Contact())).Stored);
        return grain;
    }

    private static PersonalDataRecord Contact() => new(
        "contact", "Account management", LegalBasis.Contract, ImmutableSortedDictionary.CreateRange(new Dictionary<string, string> { ["email"] = "old@example.org" }));
}
