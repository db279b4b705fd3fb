using Custodian.Gateway.Protos.Subjects;
using Custodian.Silo.Storage;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Microsoft.Extensions.DependencyInjection;

namespace Custodian.Tests.Storage;

[Collection(PlatformCollection.Name)]
public sealed class DataKeyLifetimeTests(Platform platform)
{
    [Fact]
    public async Task UnwrappedDataKeysLiveOnlyAsLongAsTheirActivations()
    {
        // Arrange
        var held = platform.SiloServices.GetRequiredService<HeldDataKeys>();
        var management = platform.SiloGrains.GetGrain<IManagementGrain>(0);
        var tenant = Platform.NewId("acme");
        await management.ForceActivationCollection(TimeSpan.Zero);
        var baseline = held.Count;

        // Act: five subjects written (five activations, each holding its key), then every activation collected
        for (var i = 0; i < 5; i++)
        {
            await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = $"s{i}", Record = SampleRecords.Contact($"s{i}@example.org") });
        }

        var whileActive = held.Count;
        await management.ForceActivationCollection(TimeSpan.Zero);
        var afterCollection = await Poll.UntilAsync(
            () => held.Count == 0 ? Task.FromResult(held.Count) : throw new TimeoutException($"{held.Count} keys still held"),
            TimeSpan.FromSeconds(30));

        // Assert
        Assert.True(whileActive >= baseline + 5, $"held {whileActive} keys with five new activations (baseline {baseline})");
        Assert.Equal(0, afterCollection);
    }
}
