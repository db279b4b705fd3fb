using System.Collections.Immutable;
using Custodian.Access;
using Google.Protobuf.WellKnownTypes;
using Proto = Custodian.Gateway.Protos.Access;

namespace Custodian.Gateway.Services;

/// <summary>Maps between the Access API's messages and grants.</summary>
internal static class AccessMapper
{
    public static GrantRequest ToDomain(Proto.IssueGrantRequest request, DateTimeOffset now) => new(
        request.Principal,
        new GrantScope(request.Scope?.TenantId ?? "", [.. request.Scope?.SubjectIds ?? []], [.. request.Scope?.Categories ?? []]),
        [.. request.Operations.Select(o => (Operation)(int)o)],
        request.Purpose,
        request.Justification,
        [.. request.Cidrs],
        request.ValidFrom?.ToDateTimeOffset() ?? now,
        request.ValidUntil?.ToDateTimeOffset() ?? now);

    public static Proto.Grant ToProto(Grant grant)
    {
        var request = grant.Request;
        var proto = new Proto.Grant
        {
            GrantId = grant.GrantId,
            Principal = request.Principal,
            Scope = new Proto.GrantScope { TenantId = request.Scope.TenantId },
            Purpose = request.Purpose,
            Justification = request.Justification,
            ValidFrom = Timestamp.FromDateTimeOffset(request.ValidFrom),
            ValidUntil = Timestamp.FromDateTimeOffset(request.ValidUntil),
            Status = (Proto.GrantStatus)(int)grant.Status,
            IssuedBy = grant.IssuedBy,
            ApprovedBy = grant.ApprovedBy ?? "",
            RenewalOf = grant.RenewalOf ?? "",
        };
        proto.Scope.SubjectIds.AddRange(request.Scope.SubjectIds.IsDefault ? [] : request.Scope.SubjectIds);
        proto.Scope.Categories.AddRange(request.Scope.Categories.IsDefault ? [] : request.Scope.Categories);
        proto.Operations.AddRange(request.Operations.Select(o => (Proto.Operation)(int)o));
        proto.Cidrs.AddRange(request.Cidrs);
        proto.History.AddRange(grant.History.Select(ToProto));
        return proto;
    }

    public static Proto.GrantEvent ToProto(GrantEvent entry) => new()
    {
        GrantId = entry.GrantId,
        Principal = entry.Principal,
        TenantId = entry.TenantId,
        Action = entry.Action,
        Actor = entry.Actor,
        At = Timestamp.FromDateTimeOffset(entry.At),
        Reason = entry.Reason,
    };

    public static Proto.AccessReview ToProto(AccessReview review)
    {
        var proto = new Proto.AccessReview
        {
            ReviewId = review.ReviewId,
            OpenedAt = Timestamp.FromDateTimeOffset(review.OpenedAt),
            Deadline = Timestamp.FromDateTimeOffset(review.Deadline),
            OpenedBy = review.OpenedBy,
            Closed = review.Closed,
        };
        proto.Items.AddRange(review.Items.Select(i => new Proto.ReviewItem
        {
            GrantId = i.GrantId,
            Principal = i.Principal,
            TenantId = i.TenantId,
            ValidUntil = Timestamp.FromDateTimeOffset(i.ValidUntil),
            LastUsedAt = i.LastUsedAt is { } used ? Timestamp.FromDateTimeOffset(used) : null,
            Decision = (Proto.ReviewDecision)(int)i.Decision,
            DecidedBy = i.DecidedBy ?? "",
            Reason = i.Reason ?? "",
        }));
        return proto;
    }

    public static ImmutableArray<string> CsvHeader => ["at", "grant_id", "principal", "tenant_id", "action", "actor", "reason"];

    /// <summary>One grant-log entry as a CSV row, in the order of <see cref="CsvHeader"/>.</summary>
    public static string[] CsvRow(GrantEvent entry) =>
        [entry.At.ToString("O", System.Globalization.CultureInfo.InvariantCulture), entry.GrantId, entry.Principal, entry.TenantId, entry.Action, entry.Actor, entry.Reason];
}
