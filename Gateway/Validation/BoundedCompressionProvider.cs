using System.IO.Compression;
using Grpc.Net.Compression;

namespace Custodian.Gateway.Validation;

/// <summary>
/// One of grpc-dotnet's request compression providers (gzip, deflate), compressing as it does, but
/// decompressing through a <see cref="BoundedDecompressionStream"/>: grpc-dotnet checks a compressed
/// message's size against the limit before decompressing it, not after, and turns a decoder's exception
/// into UNKNOWN.
/// </summary>
internal sealed class BoundedCompressionProvider(ICompressionProvider inner, int limit) : ICompressionProvider
{
    public string EncodingName => inner.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => inner.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new BoundedDecompressionStream(inner.CreateDecompressionStream(stream), inner.EncodingName, limit);
}
