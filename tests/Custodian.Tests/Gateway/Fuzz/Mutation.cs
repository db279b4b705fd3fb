namespace Custodian.Tests.Gateway.Fuzz;

/// <summary>How <see cref="RequestFuzzer"/> spoils a valid-looking request message.</summary>
public enum Mutation
{
    /// <summary>1–64 random bytes in place of the message.</summary>
    RandomBytes,

    /// <summary>The message cut short somewhere inside.</summary>
    Truncation,

    /// <summary>A length-delimited field whose length runs past the end of the message.</summary>
    LengthPastEnd,

    /// <summary>A string field (possibly inside a nested message) holding bytes that are not UTF-8.</summary>
    InvalidUtf8,

    /// <summary>A tag with wire type 6 or 7, which protobuf does not define.</summary>
    InvalidWireType,

    /// <summary>A lone end-group tag, or a start-group tag that is never closed.</summary>
    GroupTag,

    /// <summary>A varint (a value or a tag) of more than ten bytes.</summary>
    OverlongVarint,

    /// <summary>A nested message holding a field longer than the nested message itself.</summary>
    NestedOverrun,

    /// <summary>One to three bits of the message flipped: often still parses, and reaches the handler.</summary>
    BitFlip,

    /// <summary>
    /// Well-formed bytes, but some values at their edges: enum numbers the proto does not define, extreme
    /// integers, empty, huge or control-character strings, timestamps outside 0001–9999 or with invalid nanos.
    /// Parses, and tests the handlers' own checks.
    /// </summary>
    OddValues,
}
