using Custodian.Benchmarks.Protos;
using Grpc.Core;

namespace Custodian.Benchmarks;

/// <summary>The bare TLS gRPC round trip the forwarding benchmark compares with: every message is answered with itself.</summary>
internal sealed class EchoService : Echo.EchoBase
{
    public override Task<EchoMessage> Reply(EchoMessage request, ServerCallContext context) => Task.FromResult(request);
}
