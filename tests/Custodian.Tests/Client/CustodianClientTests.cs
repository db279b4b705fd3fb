using Custodian.Client;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Google.Rpc;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Custodian.Tests.Client;

/// <summary>
/// The client library against the real gateway (TLS with its certificate pinned, real tokens, real Azurite): it moves
/// past a dead gateway and says so, and a write under an idempotency key is applied once, refused for a different
/// record, refused when malformed, and remembered in the subject's stored state across a silo restart.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class CustodianClientTests(Platform platform)
{
    [Fact]
    public async Task AClientWithADeadGatewayFirstWritesAndReadsThroughTheNextAndSaysSo()
    {
        // Arrange
        var tenant = Platform.NewId("sdk");
        var notices = new SdkNotices();
        using var client = SdkClients.For(platform, platform.Token(tenant, "app"), notices, deadFirst: 1);
        var live = new Uri($"https://127.0.0.1:{platform.GatewayPort}");

        // Act
        var stored = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"));
        var read = await client.FindRecordAsync(tenant, "s1", "contact", "support");
        var missing = await client.FindRecordAsync(tenant, "s1", "billing", "support");

        // Assert
        Assert.Equal(stored.UpdatedAt, read!.UpdatedAt);
        Assert.Equal("s1@example.org", read.Record.Fields["email"]);
        Assert.Null(missing);
        var notice = Assert.Single(notices.Failovers); // later calls start with the gateway that answered
        Assert.Equal((StatusCode.Unavailable, live), (notice.Status.StatusCode, notice.To));
        Assert.NotEqual(live, notice.From);
        Assert.Equal(live, client.CurrentEndpoint);
        Assert.Contains($"{notice.From.Authority} is unavailable", notice.ToString(), StringComparison.Ordinal);
        Assert.Contains(notices.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains($"trying {live}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APutRecordRepeatedWithTheSameKeyIsAppliedOnce()
    {
        // Arrange
        var tenant = Platform.NewId("sdk");
        using var client = SdkClients.For(platform, platform.Token(tenant, "app"));
        var key = IdempotencyKey.New();
        var grain = platform.SiloGrains.GetGrain<IDataSubjectGrain>(new SubjectRef(tenant, "s1").GrainKey);

        // Act
        var first = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"), key);
        var afterFirst = (await grain.GetRecordAsync("contact", "support")).Record!;
        var repeat = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"), key);
        var afterRepeat = (await grain.GetRecordAsync("contact", "support")).Record!;
        var withoutTheKey = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"));
        var afterAnother = (await grain.GetRecordAsync("contact", "support")).Record!;

        // Assert: the repeat is answered with the first result and changes nothing; another write (a fresh key) does change it.
        Assert.Equal(first.UpdatedAt, repeat.UpdatedAt);
        Assert.Equal((afterFirst.UpdatedAt, afterFirst.Version), (afterRepeat.UpdatedAt, afterRepeat.Version));
        Assert.True(afterAnother.Version > afterRepeat.Version);
        Assert.NotEqual(first.UpdatedAt, withoutTheKey.UpdatedAt);
        Assert.Contains(platform.Logs.Lines, l => l.Contains("repeats an earlier one under the same idempotency key", StringComparison.Ordinal) && l.Contains(tenant, StringComparison.Ordinal));
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSameKeyWithADifferentRecordIsFailedPreconditionAndChangesNothing()
    {
        // Arrange
        var tenant = Platform.NewId("sdk");
        using var client = SdkClients.For(platform, platform.Token(tenant, "app"));
        var key = IdempotencyKey.New();
        var first = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("first@example.org"), key);

        // Act
        var reused = await Assert.ThrowsAsync<RpcException>(() => client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("second@example.org"), key));

        // Assert
        Assert.Equal(StatusCode.FailedPrecondition, reused.StatusCode);
        Assert.Contains("idempotency-key", reused.Status.Detail, StringComparison.Ordinal);
        var held = await client.FindRecordAsync(tenant, "s1", "contact", "support");
        Assert.Equal(("first@example.org", first.UpdatedAt), (held!.Record.Fields["email"], held.UpdatedAt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a key")]
    [InlineData("key/with/slashes")]
    [InlineData("a-key-that-is-sixty-five-characters-long-which-is-one-too-many-xx")]
    public async Task AMalformedKeyIsInvalidArgumentNamingTheHeaderAndStoresNothing(string key)
    {
        // Arrange
        var tenant = Platform.NewId("sdk");
        using var client = SdkClients.For(platform, platform.Token(tenant, "app"));

        // Act
        var refused = await Assert.ThrowsAsync<RpcException>(() => client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"), key));

        // Assert
        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal(["idempotency-key"], refused.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations.Select(v => v.Field));
        Assert.Null(await client.FindRecordAsync(tenant, "s1", "contact", "support"));
    }

    [Fact]
    public async Task AKeyIsKeptInTheSubjectsStateAndSurvivesASiloRestart()
    {
        // Arrange
        var tenant = Platform.NewId("sdk");
        var token = platform.Token(tenant, "app");
        var key = IdempotencyKey.New();
        PutRecordResponse first;
        using (var client = SdkClients.For(platform, token))
        {
            first = await client.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"), key);
        }

        // Act: a new silo, so nothing but the stored state knows the key
        await platform.RestartSiloAsync();
        using var after = SdkClients.For(platform, token);
        var repeat = await Poll.UntilAsync(
            () => after.PutRecordAsync(tenant, "s1", SampleRecords.Contact("s1@example.org"), key),
            TimeSpan.FromSeconds(60),
            e => e is RpcException { StatusCode: StatusCode.Unavailable or StatusCode.Internal });
        var reused = await Assert.ThrowsAsync<RpcException>(() => after.PutRecordAsync(tenant, "s1", SampleRecords.Contact("other@example.org"), key));

        // Assert
        Assert.Equal(first.UpdatedAt, repeat.UpdatedAt);
        Assert.Equal(StatusCode.FailedPrecondition, reused.StatusCode);
        Assert.Equal(first.UpdatedAt, (await after.FindRecordAsync(tenant, "s1", "contact", "support"))!.UpdatedAt);
    }
}
