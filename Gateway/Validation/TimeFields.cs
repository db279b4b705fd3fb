using System.Collections;
using System.Collections.Concurrent;
using Custodian.Validation;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace Custodian.Gateway.Validation;

/// <summary>
/// Finds the <c>google.protobuf.Timestamp</c> and <c>Duration</c> values in a parsed request that break
/// their types' own invariants — a timestamp outside 0001-01-01 to 9999-12-31 or with nanos outside 0 to
/// 999,999,999; a duration beyond ±10,000 years or whose nanos disagree with its seconds. Protobuf parses
/// such values without complaint, but <see cref="Timestamp.ToDateTimeOffset"/> and
/// <see cref="Duration.ToTimeSpan"/> throw on them, so a handler converting one would fail INTERNAL.
/// Checked once, for every request, where the request is parsed; handlers may then convert freely.
/// </summary>
public static class TimeFields
{
    private const long MaxDurationSeconds = 315_576_000_000;
    private static readonly long MinTimestampSeconds = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxTimestampSeconds = new DateTimeOffset(9999, 12, 31, 23, 59, 59, TimeSpan.Zero).ToUnixTimeSeconds();
    private static readonly ConcurrentDictionary<MessageDescriptor, bool> Holding = new();

    /// <summary>Whether a message of <paramref name="descriptor"/> can hold a timestamp or a duration at any depth.</summary>
    public static bool CanHoldTimes(MessageDescriptor descriptor) => Holding.GetOrAdd(descriptor, d => Reaches(d, []));

    /// <summary>
    /// A violation, named by the field's path (<c>filter.from</c>, <c>items[2].at</c>; map keys are not
    /// named, being caller data), for each invalid timestamp or duration in <paramref name="message"/>.
    /// </summary>
    public static List<FieldViolation> Violations(IMessage message)
    {
        var violations = new List<FieldViolation>();
        if (CanHoldTimes(message.Descriptor))
        {
            Walk(message, "", violations);
        }

        return violations;
    }

    private static void Walk(IMessage message, string prefix, List<FieldViolation> violations)
    {
        foreach (var field in message.Descriptor.Fields.InFieldNumberOrder())
        {
            if (field.FieldType != FieldType.Message || !CanHoldTimes(field.MessageType))
            {
                continue;
            }

            var value = field.Accessor.GetValue(message);
            var path = prefix + field.Name;
            if (field.IsMap)
            {
                foreach (DictionaryEntry entry in (IDictionary)value)
                {
                    Check(entry.Value as IMessage, path + "[]", violations);
                }
            }
            else if (field.IsRepeated)
            {
                var index = 0;
                foreach (var item in (IList)value)
                {
                    Check(item as IMessage, $"{path}[{index++}]", violations);
                }
            }
            else
            {
                Check(value as IMessage, path, violations);
            }
        }
    }

    private static void Check(IMessage? value, string path, List<FieldViolation> violations)
    {
        switch (value)
        {
            case null:
                break;
            case Timestamp t when t.Nanos is < 0 or > 999_999_999 || t.Seconds < MinTimestampSeconds || t.Seconds > MaxTimestampSeconds:
                violations.Add(new FieldViolation(path, "is not a valid timestamp: seconds from 0001-01-01 to 9999-12-31, nanos from 0 to 999999999"));
                break;
            case Duration d when d.Seconds is < -MaxDurationSeconds or > MaxDurationSeconds || d.Nanos is <= -1_000_000_000 or >= 1_000_000_000
                || (d.Seconds < 0 && d.Nanos > 0) || (d.Seconds > 0 && d.Nanos < 0):
                violations.Add(new FieldViolation(path, "is not a valid duration: at most 10,000 years either way, nanos of the same sign as seconds"));
                break;
            case Timestamp or Duration:
                break;
            default:
                Walk(value, path + ".", violations);
                break;
        }
    }

    private static bool Reaches(MessageDescriptor descriptor, HashSet<MessageDescriptor> visiting)
    {
        if (descriptor.FullName == Timestamp.Descriptor.FullName || descriptor.FullName == Duration.Descriptor.FullName)
        {
            return true;
        }

        if (!visiting.Add(descriptor))
        {
            return false; // a cycle: whatever it reaches, the first visit finds
        }

        return descriptor.Fields.InFieldNumberOrder().Any(f => f.FieldType == FieldType.Message && Reaches(f.MessageType, visiting));
    }
}
