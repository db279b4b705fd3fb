namespace Custodian.Tests.Gateway.Fuzz;

/// <summary>The protobuf wire format at the byte level: what <see cref="RequestFuzzer"/> builds and takes apart.</summary>
internal static class ProtobufWire
{
    /// <summary>A length-delimited field (wire type 2) holding <paramref name="content"/>.</summary>
    public static byte[] Delimited(int fieldNumber, byte[] content) => [.. Tag(fieldNumber, 2), .. Varint((ulong)content.Length), .. content];

    /// <summary>The tag of a field: its number and wire type, as a varint.</summary>
    public static byte[] Tag(int fieldNumber, int wireType) => Varint(((ulong)fieldNumber << 3) | (uint)wireType);

    /// <summary><paramref name="value"/> as a base-128 varint.</summary>
    public static byte[] Varint(ulong value)
    {
        var bytes = new List<byte>();
        do
        {
            var low = (byte)(value & 0x7F);
            value >>= 7;
            bytes.Add(value == 0 ? low : (byte)(low | 0x80));
        }
        while (value != 0);

        return [.. bytes];
    }

    /// <summary>The top-level fields of a well-formed message: where each starts, its wire type, and for a length-delimited one where its length is.</summary>
    public static List<WireField> Fields(byte[] message)
    {
        var fields = new List<WireField>();
        for (var at = 0; at < message.Length;)
        {
            var start = at;
            var wireType = (int)(ReadVarint(message, ref at) & 7);
            var (lengthStart, lengthEnd) = (at, at);
            switch (wireType)
            {
                case 0:
                    ReadVarint(message, ref at);
                    break;
                case 1:
                    at += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message, ref at);
                    lengthEnd = at;
                    at += length;
                    break;
                case 5:
                    at += 4;
                    break;
                default:
                    throw new InvalidOperationException($"wire type {wireType} in a message this fuzzer built");
            }

            fields.Add(new WireField(start, wireType, lengthStart, lengthEnd));
        }

        return fields;
    }

    private static ulong ReadVarint(byte[] bytes, ref int at)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
    }

    /// <summary>One top-level field of a message: where it starts, its wire type, and where its length is (wire type 2).</summary>
    public readonly record struct WireField(int Start, int WireType, int LengthStart, int LengthEnd);
}
