using System.Collections;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;
using static Custodian.Tests.Gateway.Fuzz.ProtobufWire;

namespace Custodian.Tests.Gateway.Fuzz;

/// <summary>
/// Builds a valid-looking request for any message descriptor (strings, numbers, enums, nested messages,
/// lists and maps filled, some fields left unset), serialises it, and spoils it by a <see cref="Mutation"/>.
/// Everything comes from one <see cref="Random"/>, so a seed reproduces the whole run.
/// </summary>
public sealed class RequestFuzzer(Random random, string tenant)
{
    private const int MaxDepth = 3;
    private static readonly string[] SubjectIds = ["fz-s1", "fz-s2", "fz-s3"];
    private static readonly byte[][] NotUtf8 =
    [
        [0xC3, 0x28], // a lead byte followed by no continuation byte
        [0xFF], // never valid in UTF-8
        [0xED, 0xA0, 0x80], // an encoded surrogate
        [0xC0, 0xAF], // an over-long encoding of '/'
        [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
        [0xE2, 0x82], // cut short
    ];

    private static readonly string[] OddStrings = ["", " ", new string('x', 5000), "\0", "a\nb", "../..", "%s%n", "\u202Eevil", "--", "*"];
    private static readonly long[] OddSeconds = [long.MinValue, -62_135_596_801, -1, 0, 253_402_300_800, 315_576_000_001, long.MaxValue];
    private static readonly int[] OddNanos = [0, -1, 1_000_000_000, int.MaxValue];
    private bool _odd;

    /// <summary>A serialised message of <paramref name="descriptor"/> with plausible values.</summary>
    public byte[] ValidLooking(MessageDescriptor descriptor) => Build(descriptor, 0).ToByteArray();

    /// <summary>
    /// <paramref name="valid"/> spoiled by <paramref name="mutation"/>, and the mutation applied: one that the
    /// message gives no hold for (invalid UTF-8 without a string field, say) falls back to random bytes.
    /// </summary>
    public (Mutation Applied, byte[] Bytes) Mutate(MessageDescriptor descriptor, byte[] valid, Mutation mutation)
    {
        var spoiled = mutation switch
        {
            Mutation.RandomBytes => null,
            Mutation.Truncation => valid.Length >= 2 ? valid[..random.Next(1, valid.Length)] : null,
            Mutation.LengthPastEnd => LengthPastEnd(valid),
            Mutation.InvalidUtf8 => InvalidUtf8(descriptor, valid),
            Mutation.InvalidWireType => Insert(valid, [.. Tag(random.Next(1, 30), random.Next(6, 8)), .. Bytes(random.Next(0, 4))]),
            Mutation.GroupTag => random.Next(2) == 0
                ? Insert(valid, Tag(random.Next(1, 30), 4)) // an end-group tag with no group open
                : [.. valid, .. Tag(random.Next(1, 30), 3)], // a group that never ends
            Mutation.OverlongVarint => OverlongVarint(valid),
            Mutation.NestedOverrun => NestedOverrun(descriptor, valid),
            Mutation.BitFlip => valid.Length > 0 ? BitFlip(valid) : null,
            Mutation.OddValues => OddValues(descriptor),
            _ => throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null),
        };
        return spoiled is null ? (Mutation.RandomBytes, Bytes(random.Next(1, 65))) : (mutation, spoiled);
    }

    /// <summary>A serialised message of <paramref name="descriptor"/> with about a third of its values at their edges.</summary>
    private byte[] OddValues(MessageDescriptor descriptor)
    {
        _odd = true;
        try
        {
            return Build(descriptor, 0).ToByteArray();
        }
        finally
        {
            _odd = false;
        }
    }

    private IMessage Build(MessageDescriptor descriptor, int depth)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        if (descriptor.FullName == Timestamp.Descriptor.FullName && Odd())
        {
            return new Timestamp { Seconds = OddSeconds[random.Next(OddSeconds.Length)], Nanos = OddNanos[random.Next(OddNanos.Length)] };
        }

        if (descriptor.FullName == Timestamp.Descriptor.FullName)
        {
            return Timestamp.FromDateTimeOffset(DateTimeOffset.UtcNow.AddMinutes(random.Next(-60 * 24 * 30, 60 * 24 * 30)));
        }

        if (descriptor.FullName == Duration.Descriptor.FullName && Odd())
        {
            return new Duration { Seconds = OddSeconds[random.Next(OddSeconds.Length)], Nanos = OddNanos[random.Next(OddNanos.Length)] };
        }

        if (descriptor.FullName == Duration.Descriptor.FullName)
        {
            return Duration.FromTimeSpan(TimeSpan.FromMinutes(random.Next(0, 60 * 24 * 3)));
        }

        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (random.Next(5) == 0 || (depth >= MaxDepth && field.FieldType == FieldType.Message))
            {
                continue; // some fields unset, and no endless nesting
            }

            if (field.IsMap)
            {
                var map = (IDictionary)field.Accessor.GetValue(message);
                var (key, value) = (field.MessageType.FindFieldByNumber(1), field.MessageType.FindFieldByNumber(2));
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    map[Value(key, depth)] = Value(value, depth);
                }
            }
            else if (field.IsRepeated)
            {
                var list = (IList)field.Accessor.GetValue(message);
                for (var n = random.Next(0, 4); n > 0; n--)
                {
                    list.Add(Value(field, depth));
                }
            }
            else
            {
                field.Accessor.SetValue(message, Value(field, depth));
            }
        }

        return message;
    }

    private object Value(FieldDescriptor field, int depth) => Odd() && OddValue(field) is { } odd ? odd : field.FieldType switch
    {
        FieldType.String => Text(field.Name),
        FieldType.Bytes => ByteString.CopyFrom(Bytes(random.Next(0, 17))),
        FieldType.Bool => random.Next(2) == 0,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => (int)Number(),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => Number(),
        FieldType.UInt32 or FieldType.Fixed32 => (uint)Math.Abs(Number()),
        FieldType.UInt64 or FieldType.Fixed64 => (ulong)Math.Abs(Number()),
        FieldType.Float => (float)(random.NextDouble() * 100),
        FieldType.Double => random.NextDouble() * 100,
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values[random.Next(field.EnumType.Values.Count)].Number),
        FieldType.Message => Build(field.MessageType, depth + 1),
        _ => throw new NotSupportedException($"{field.FullName}: {field.FieldType}"),
    };

    /// <summary>In <see cref="OddValues"/>, a third of the time.</summary>
    private bool Odd() => _odd && random.Next(3) == 0;

    /// <summary>A value at the edge of what the field's type can hold, or null to build a message field as usual.</summary>
    private object? OddValue(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.String => OddStrings[random.Next(OddStrings.Length)],
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => new[] { int.MinValue, int.MaxValue, -1, 0 }[random.Next(4)],
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => new[] { long.MinValue, long.MaxValue, -1L, 0L }[random.Next(4)],
        FieldType.UInt32 or FieldType.Fixed32 => uint.MaxValue,
        FieldType.UInt64 or FieldType.Fixed64 => ulong.MaxValue,
        FieldType.Float => new[] { float.NaN, float.PositiveInfinity, float.MinValue }[random.Next(3)],
        FieldType.Double => new[] { double.NaN, double.NegativeInfinity, double.MaxValue }[random.Next(3)],
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, new[] { -1, 99, int.MaxValue }[random.Next(3)]),
        _ => null,
    };

    /// <summary>Mostly small numbers, sometimes an edge.</summary>
    private long Number() => random.Next(10) switch
    {
        0 => -1,
        1 => int.MaxValue,
        2 => 0,
        _ => random.Next(1, 100),
    };

    /// <summary>A string a caller might send for a field of this name: the tenant, a known subject, a category, a network, or a word.</summary>
    private string Text(string name) => name switch
    {
        _ when name.Contains("tenant", StringComparison.Ordinal) => tenant,
        _ when name.StartsWith("subject", StringComparison.Ordinal) || name.EndsWith("_subjects", StringComparison.Ordinal) => SubjectIds[random.Next(SubjectIds.Length)],
        _ when name.Contains("categor", StringComparison.Ordinal) => random.Next(2) == 0 ? "contact" : "billing",
        _ when name.Contains("cidr", StringComparison.Ordinal) => "10.0.0.0/24",
        "source_ip" => "10.0.0.1",
        "email" => "someone@relay.test",
        "culture" => "en",
        "format" => random.Next(2) == 0 ? "json" : "csv",
        "region" => "eu-west",
        _ => Word(),
    };

    private string Word() => random.Next(10) switch
    {
        0 => "",
        1 => new string('w', 300),
        2 => "Zoë ✓ 名前",
        _ => new string([.. Enumerable.Range(0, random.Next(1, 13)).Select(_ => "abcdefghijklmnopqrstuvwxyz0123456789-"[random.Next(37)])]),
    };

    private byte[] LengthPastEnd(byte[] valid)
    {
        var delimited = Fields(valid).Where(f => f.WireType == 2).ToList();
        if (delimited.Count == 0)
        {
            return [.. valid, .. Tag(random.Next(1, 30), 2), .. Varint((ulong)random.Next(5, 500)), .. Bytes(random.Next(0, 4))];
        }

        var field = delimited[random.Next(delimited.Count)];
        var claimed = (ulong)(valid.Length - field.LengthEnd + 1 + random.Next(0, 100));
        return [.. valid[..field.LengthStart], .. Varint(claimed), .. valid[field.LengthEnd..]];
    }

    private byte[]? InvalidUtf8(MessageDescriptor descriptor, byte[] valid)
    {
        var paths = PathsToStrings(descriptor, []).ToList();
        if (paths.Count == 0)
        {
            return null;
        }

        var path = paths[random.Next(paths.Count)];
        byte[] bad = [.. "ab"u8, .. NotUtf8[random.Next(NotUtf8.Length)]];
        var field = Delimited(path[^1].FieldNumber, bad);
        for (var i = path.Count - 2; i >= 0; i--)
        {
            field = Delimited(path[i].FieldNumber, field);
        }

        return Insert(valid, field);
    }

    private byte[] OverlongVarint(byte[] valid)
    {
        byte[] elevenBytes = [.. Enumerable.Repeat((byte)0xFF, 10), 0x01];
        return random.Next(3) switch
        {
            0 => Insert(valid, [.. Tag(random.Next(1, 30), 0), .. elevenBytes]), // a value
            1 => Insert(valid, elevenBytes), // a tag
            _ => Fields(valid).Where(f => f.WireType == 2).ToList() is { Count: > 0 } delimited && delimited[random.Next(delimited.Count)] is var field
                ? [.. valid[..field.LengthStart], .. elevenBytes, .. valid[field.LengthEnd..]] // a length
                : Insert(valid, elevenBytes),
        };
    }

    private byte[]? NestedOverrun(MessageDescriptor descriptor, byte[] valid)
    {
        var nested = descriptor.Fields.InFieldNumberOrder().Where(f => f.FieldType == FieldType.Message).ToList();
        if (nested.Count == 0)
        {
            return null;
        }

        var filler = random.Next(0, 4);
        byte[] inner = [.. Tag(random.Next(1, 6), 2), .. Varint((ulong)(filler + 1 + random.Next(0, 50))), .. Bytes(filler)];
        return Insert(valid, Delimited(nested[random.Next(nested.Count)].FieldNumber, inner));
    }

    private byte[] BitFlip(byte[] valid)
    {
        var flipped = (byte[])valid.Clone();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
        }

        return flipped;
    }

    /// <summary>Every chain of message fields (at most <see cref="MaxDepth"/> deep) that ends in a string field.</summary>
    private static IEnumerable<List<FieldDescriptor>> PathsToStrings(MessageDescriptor descriptor, List<FieldDescriptor> above)
    {
        foreach (var field in descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType == FieldType.String)
            {
                yield return [.. above, field];
            }
            else if (field.FieldType == FieldType.Message && above.Count < MaxDepth)
            {
                foreach (var path in PathsToStrings(field.MessageType, [.. above, field]))
                {
                    yield return path;
                }
            }
        }
    }

    /// <summary><paramref name="bytes"/> inserted between two top-level fields of <paramref name="valid"/>, chosen at random.</summary>
    private byte[] Insert(byte[] valid, byte[] bytes)
    {
        List<int> boundaries = [.. Fields(valid).Select(f => f.Start), valid.Length];
        var at = boundaries[random.Next(boundaries.Count)];
        return [.. valid[..at], .. bytes, .. valid[at..]];
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
