using System.Collections.Immutable;
using Custodian.Storage;
using Custodian.Subjects;
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

    /// <summary>Maps a category's recipients; <see cref="Recipient.Check"/> checks them.</summary>
    public static ImmutableArray<Recipient> ToDomain(IEnumerable<Proto.Recipient> recipients) =>
        [.. recipients.Select(r => new Recipient(r.Name, r.Email, r.ThirdCountry.Length == 0 ? null : r.ThirdCountry))];

    public static Proto.CategoryRecipients ToProto(string category, ImmutableArray<Recipient> recipients)
    {
        var proto = new Proto.CategoryRecipients { Category = category };
        proto.Recipients.AddRange(recipients.Select(r => new Proto.Recipient { Name = r.Name, Email = r.Email, ThirdCountry = r.ThirdCountry ?? "" }));
        return proto;
    }
}
