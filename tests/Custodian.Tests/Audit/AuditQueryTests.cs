using Custodian.Audit;
using Custodian.Tests.Infrastructure;

namespace Custodian.Tests.Audit;

/// <summary>The audit query's rules live in the contract: the Audit service and the partition grain both apply them.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditQueryTests(Platform platform)
{
    [Fact]
    public void AQueryNamesEachFilterTooLongAndEachBoundOutsideTheTrailsTimes()
    {
        var query = new AuditQuery(Actor: new string('a', AuditQuery.MaxFilterLength + 1), Target: new string('t', AuditQuery.MaxFilterLength + 1),
            From: AuditQuery.Earliest.AddSeconds(-1), Until: AuditQuery.Latest);

        var violations = query.Validate();

        Assert.Equal(["actor", "target", "from", "until"], violations.Select(v => v.Field));
        Assert.All(violations, v => Assert.DoesNotContain("aaaa", v.Description));
    }

    [Fact]
    public void AWindowWhoseEndIsNotAfterItsStartIsRefusedOnUntil()
    {
        var at = DateTimeOffset.UtcNow;

        Assert.Equal("until", Assert.Single(new AuditQuery(From: at, Until: at).Validate()).Field);
        Assert.Empty(new AuditQuery(Actor: new string('a', AuditQuery.MaxFilterLength), From: at, Until: at.AddTicks(1)).Validate());
    }

    [Fact]
    public async Task ThePartitionGrainCalledDirectlyRefusesAQueryTheServiceWouldRefuse()
    {
        var partition = platform.SiloGrains.GetGrain<IAuditPartitionGrain>(AuditPartitions.Name(Platform.Region, 0));
        var at = DateTimeOffset.UtcNow;

        var refused = await Assert.ThrowsAsync<ArgumentException>(() => partition.QueryAsync(new AuditQuery(From: at, Until: at.AddHours(-1)), 0, 10));

        Assert.Contains("until", refused.Message);
        var page = await partition.QueryAsync(new AuditQuery(From: at.AddHours(-1), Until: at), 0, 10);
        Assert.All(page.Entries, e => Assert.InRange(e.Record.At, at.AddHours(-1), at));
    }
}
