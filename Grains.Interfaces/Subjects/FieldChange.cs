namespace Custodian.Subjects;

/// <summary>One rectified field with its value before and after; <see cref="ToString"/> never shows the values.</summary>
[GenerateSerializer, Immutable, Alias("Custodian.Subjects.FieldChange")]
public sealed record FieldChange([property: Id(0)] string Field, [property: Id(1)] string Before, [property: Id(2)] string After)
{
    /// <summary>Shows the field name only.</summary>
    public override string ToString() => $"FieldChange {{ Field = {Field}, values redacted }}";
}
