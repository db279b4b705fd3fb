using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Subjects;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Subjects;

namespace Custodian.Gateway.Services;

/// <summary>Maps between the subjects API's messages and the grain's records.</summary>
internal static class SubjectMapper
{
    public static PersonalDataRecord ToDomain(Proto.Record record) => new(
        record.Category,
        record.Purpose,
        (LegalBasis)(int)record.LegalBasis,
        record.Fields.ToImmutableSortedDictionary(StringComparer.Ordinal),
        record.Source.Length == 0 ? null : record.Source,
        record.Retention.Length == 0 ? null : record.Retention);

    public static Proto.Record ToProto(PersonalDataRecord record)
    {
        var proto = new Proto.Record
        {
            Category = record.Category,
            Purpose = record.Purpose,
            LegalBasis = (Proto.LegalBasis)(int)record.LegalBasis,
            Source = record.Source ?? "",
            Retention = record.Retention ?? "",
        };
        proto.Fields.Add(record.Fields);
        return proto;
    }

    public static Proto.Erasure ToProto(ErasureRecord erasure) => new()
    {
        ErasedAt = Timestamp.FromDateTimeOffset(erasure.ErasedAt),
        ReceiptId = erasure.ReceiptId,
    };

    public static Proto.CategorySummary ToProto(CategorySummary summary) => new()
    {
        Category = summary.Category,
        Purpose = summary.Purpose,
        LegalBasis = (Proto.LegalBasis)(int)summary.LegalBasis,
        FieldCount = summary.FieldCount,
        UpdatedAt = Timestamp.FromDateTimeOffset(summary.UpdatedAt),
    };

    /// <summary>Most recipients of one category.</summary>
    public const int MaxRecipients = 50;

    /// <summary>Checks and maps a category's recipients; violations name <c>recipients[i].field</c>.</summary>
    public static ImmutableArray<Recipient> ToDomain(IReadOnlyList<Proto.Recipient> recipients, List<FieldViolation> violations)
    {
        if (recipients.Count > MaxRecipients)
        {
            violations.Add(new FieldViolation("recipients", $"has more than {MaxRecipients} recipients"));
        }

        for (var i = 0; i < recipients.Count; i++)
        {
            var r = recipients[i];
            if (string.IsNullOrWhiteSpace(r.Name) || r.Name.Length > Recipient.MaxTextLength)
            {
                violations.Add(new FieldViolation($"recipients[{i}].name", $"is required, at most {Recipient.MaxTextLength} characters"));
            }

            if (!System.Net.Mail.MailAddress.TryCreate(r.Email, out var address) || address.Address != r.Email || r.Email.Length > 254)
            {
                violations.Add(new FieldViolation($"recipients[{i}].email", "is not a plain e-mail address (name@domain)"));
            }

            if (r.ThirdCountry.Length > Recipient.MaxTextLength)
            {
                violations.Add(new FieldViolation($"recipients[{i}].third_country", $"is longer than {Recipient.MaxTextLength} characters"));
            }
        }

        return [.. recipients.Select(r => new Recipient(r.Name, r.Email, r.ThirdCountry.Length == 0 ? null : r.ThirdCountry))];
    }

    public static Proto.CategoryRecipients ToProto(string category, ImmutableArray<Recipient> recipients)
    {
        var proto = new Proto.CategoryRecipients { Category = category };
        proto.Recipients.AddRange(recipients.Select(r => new Proto.Recipient { Name = r.Name, Email = r.Email, ThirdCountry = r.ThirdCountry ?? "" }));
        return proto;
    }
}
