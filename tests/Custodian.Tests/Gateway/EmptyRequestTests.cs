using Grpc.Core;
using Custodian.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Custodian.Tests.Gateway;

/// <summary>A platform of its own: empty requests to every method may start jobs (a rotation, a backup).</summary>
public sealed class EmptyRequestPlatform : Platform;

/// <summary>
/// Every method of every service, called with an empty request by a caller holding every role, answers
/// with a clear status: never INTERNAL or UNKNOWN, never a stack trace.
/// </summary>
public sealed class EmptyRequestTests(EmptyRequestPlatform platform, ITestOutputHelper output) : IClassFixture<EmptyRequestPlatform>
{
    [Fact]
    public async Task EveryMethodAnswersAnEmptyRequestWithAClearStatus()
    {
        // Arrange: one caller with every role, for one tenant
        var invoker = platform.Channel(platform.Token("acme-empty", "app", "officer", "dpo", "operator", "staff")).CreateCallInvoker();
        var methods = GatewayMethods.All;
        var unclear = new List<string>();

        // Act: an empty message is valid protobuf for every request type
        foreach (var method in methods)
        {
            var (status, detail) = await GatewayMethods.CallAsync(invoker, method, [], TimeSpan.FromSeconds(30));
            output.WriteLine($"{method.FullName}: {status}");
            if (status is StatusCode.Internal or StatusCode.Unknown or StatusCode.DeadlineExceeded || detail.Contains("   at ", StringComparison.Ordinal))
            {
                unclear.Add($"{method.FullName}: {status} {detail}");
            }
        }

        // Assert
        Assert.True(methods.Count >= 50, $"only {methods.Count} methods found");
        Assert.Empty(unclear);
    }
}
