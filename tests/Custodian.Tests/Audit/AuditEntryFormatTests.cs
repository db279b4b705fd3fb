using Custodian.Audit;

namespace Custodian.Tests.Audit;

public sealed class AuditEntryFormatTests
{
    private static readonly AuditRecord Record = new(
        new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), "officer-ada", "Read:/x", "subject:abc", "allowed", "127.0.0.1", "grant-1");

    [Fact]
    public void AnEntryWithoutPurposeOrCountKeepsTheHashItHadBeforeEitherExisted()
    {
        // Arrange: the hash of this entry as the nine-field format defines it (computed outside .NET)
        const string nineFieldHash = "a4aecf434d0a46679119e2d702f52ca4e92babf0c5a0aa473946ca54eab32e9b";

        // Act
        var hash = AuditEntry.ComputeHash(7, Record, AuditEntry.Genesis);

        // Assert
        Assert.Equal(nineFieldHash, hash);
    }

    [Fact]
    public void ThePurposeAndTheCountArePartOfTheHash()
    {
        // Arrange
        var plain = AuditEntry.ComputeHash(7, Record, AuditEntry.Genesis);

        // Act
        var withPurpose = AuditEntry.ComputeHash(7, Record with { Purpose = "billing" }, AuditEntry.Genesis);
        var otherPurpose = AuditEntry.ComputeHash(7, Record with { Purpose = "marketing" }, AuditEntry.Genesis);
        var counted = AuditEntry.ComputeHash(7, Record with { Count = 40 }, AuditEntry.Genesis);
        var countedMore = AuditEntry.ComputeHash(7, Record with { Count = 41 }, AuditEntry.Genesis);

        // Assert
        Assert.Equal(5, new[] { plain, withPurpose, otherPurpose, counted, countedMore }.Distinct().Count());
    }

    [Fact]
    public void AnActorsPartitionIsFixedByItsNameNotByTheProcess()
    {
        // Arrange: FNV-1a of "officer-ada" is 527815944 and of "anonymous" 2 mod 4 (computed outside .NET)

        // Act
        var hash = AuditPartitions.StableHash("officer-ada");
        var partition = AuditPartitions.Of("anonymous", 4);

        // Assert
        Assert.Equal(527815944u, hash);
        Assert.Equal(2, partition);
        Assert.Equal("eu-west/2", AuditPartitions.Name("eu-west", partition));
        Assert.Equal(0, AuditPartitions.Of("anyone", 0));
    }
}
