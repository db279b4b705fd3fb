using System.Globalization;
using Grpc.Core;

namespace Custodian.Gateway.Validation;

/// <summary>
/// Reads a compressed request message through the encoding's own decompression stream, and stops once it
/// has produced more than the size limit: RESOURCE_EXHAUSTED naming the limit (a few kilobytes of gzip can
/// claim gigabytes). Data the decoder cannot read is INVALID_ARGUMENT: the caller's bytes are at fault.
/// </summary>
internal sealed class BoundedDecompressionStream(Stream decompressed, string encoding, int limit) : Stream
{
    private long _produced;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = decompressed.Read(buffer);
        }
        catch (InvalidDataException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The request message is not valid {encoding}-compressed data."));
        }

        _produced += read;
        if (_produced > limit)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, string.Create(CultureInfo.InvariantCulture,
                $"The request message is over {limit} bytes once decompressed; the gateway accepts request messages of at most {limit} bytes.")));
        }

        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            decompressed.Dispose();
        }

        base.Dispose(disposing);
    }
}
