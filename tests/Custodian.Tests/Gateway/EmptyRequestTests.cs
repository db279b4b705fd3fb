using Google.Protobuf.Reflection;
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
    private static readonly FileDescriptor[] Files =
    [
        Custodian.Gateway.Protos.Access.AccessReflection.Descriptor,
        Custodian.Gateway.Protos.Audit.AuditReflection.Descriptor,
        Custodian.Gateway.Protos.Backups.BackupsReflection.Descriptor,
        Custodian.Gateway.Protos.Incidents.IncidentsReflection.Descriptor,
        Custodian.Gateway.Protos.Keys.KeysReflection.Descriptor,
        Custodian.Gateway.Protos.Requests.RequestsReflection.Descriptor,
        Custodian.Gateway.Protos.Security.SecurityReflection.Descriptor,
        Custodian.Gateway.Protos.Subjects.SubjectsReflection.Descriptor,
    ];

    private static readonly Marshaller<byte[]> Bytes = new(b => b, b => b);

    [Fact]
    public async Task EveryMethodAnswersAnEmptyRequestWithAClearStatus()
    {
        // Arrange: one caller with every role, for one tenant
        var invoker = platform.Channel(platform.Token("acme-empty", "app", "officer", "dpo", "operator", "staff")).CreateCallInvoker();
        var methods = Files.SelectMany(f => f.Services).SelectMany(s => s.Methods).ToList();
        var unclear = new List<string>();

        // Act: an empty message is valid protobuf for every request type
        foreach (var method in methods)
        {
            var call = new Method<byte[], byte[]>(MethodType.Unary, method.Service.FullName, method.Name, Bytes, Bytes);
            StatusCode status;
            string detail;
            try
            {
                await invoker.AsyncUnaryCall(call, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(30)), []);
                (status, detail) = (StatusCode.OK, "");
            }
            catch (RpcException e)
            {
                (status, detail) = (e.StatusCode, e.Status.Detail);
            }

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
