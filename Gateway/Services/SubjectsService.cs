using System.Collections.Immutable;
using Custodian.Access;
using Custodian.Gateway.Access;
using Custodian.Gateway.Routing;
using Custodian.Hosting;
using Custodian.Storage;
using Custodian.Subjects;
using Custodian.Validation;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Subjects;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Subjects gRPC service: validates with the contracts' rules (which the DataSubject grain applies again),
/// has the call decided (and audited), calls the grain and maps its outcome. A write waits for its audit record
/// before it changes anything; a read overlaps the two but returns nothing before the record is stored.
/// </summary>
[Authorize]
public sealed class SubjectsService(
    RegionRouter router, AccessDecider access, AuditKeys auditKeys, TimeProvider time) : Proto.Subjects.SubjectsBase
{
    [Performs(Operation.Write)]
    public override async Task<Proto.PutRecordResponse> PutRecord(Proto.PutRecordRequest request, ServerCallContext context)
    {
        var record = request.Record is null ? null : SubjectMapper.ToDomain(request.Record);
        var idempotencyKey = context.RequestHeaders.GetValue(IdempotencyKeys.HeaderName);
        Check(request.TenantId, request.SubjectId, v =>
        {
            PersonalDataRecord.Check(record, "record", v);
            IdempotencyKeys.Check(idempotencyKey, v);
        });
        await access.RequireAsync(context, request.TenantId, request.SubjectId, record!.Category);

        var result = await Grain(request.TenantId, request.SubjectId).PutRecordAsync(record, idempotencyKey);
        if (result.Erasure is not null)
        {
            RpcErrors.FailedPrecondition("The subject was erased; an erased pseudonym is never written again. Use a new subject id.");
        }

        if (result.KeyReused)
        {
            RpcErrors.FailedPrecondition("The idempotency-key was already used for a different record of this subject; use a fresh key for each write.");
        }

        if (!result.Stored)
        {
            RpcErrors.InvalidArgument(result.Violations);
        }

        return new Proto.PutRecordResponse { UpdatedAt = Timestamp.FromDateTimeOffset(result.UpdatedAt!.Value) };
    }

    [Performs(Operation.Read)]
    public override async Task<Proto.GetRecordResponse> GetRecord(Proto.GetRecordRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId, v =>
        {
            Identifiers.CheckCategory(request.Category, "category", v);
            ProcessingPurposes.CheckDeclared(request.Purpose, "purpose", v);
        });
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId, request.Category, request.Purpose);

        var lookup = await Grain(request.TenantId, request.SubjectId).GetRecordAsync(request.Category, decision.Purpose);
        await decision.RecordedAsync();
        if (lookup.Erasure is { } erasure)
        {
            return new Proto.GetRecordResponse { Erasure = SubjectMapper.ToProto(erasure) };
        }

        if (lookup.Refusal != ReadRefusal.None)
        {
            await access.RecordAsync(context, request.TenantId, request.SubjectId, $"Read:{context.Method}", $"refused:{lookup.Refusal.ToString().ToLowerInvariant()}", decision);
            RpcErrors.FailedPrecondition(lookup.Refusal == ReadRefusal.Restricted
                ? "Processing of this subject is restricted (GDPR Art. 18): only storage, and reads for a purpose Art. 18(2) allows (consent, legal-claims, protect-others, public-interest)."
                : "The subject objected to processing for this purpose (GDPR Art. 21).");
        }

        if (lookup.Record is null)
        {
            RpcErrors.NotFound("The subject has no record in this category.");
        }

        return new Proto.GetRecordResponse
        {
            Record = SubjectMapper.ToProto(lookup.Record.Record),
            UpdatedAt = Timestamp.FromDateTimeOffset(lookup.Record.UpdatedAt),
        };
    }

    [Performs(Operation.Read)]
    public override async Task<Proto.ListCategoriesResponse> ListCategories(Proto.ListCategoriesRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId, v => ProcessingPurposes.CheckDeclared(request.Purpose, "purpose", v));
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId, declaredPurpose: request.Purpose);

        var listing = await Grain(request.TenantId, request.SubjectId).ListCategoriesAsync();
        await decision.RecordedAsync();
        var response = new Proto.ListCategoriesResponse
        {
            Erasure = listing.Erasure is { } erasure ? SubjectMapper.ToProto(erasure) : null,
        };
        response.Categories.AddRange(listing.Categories.Select(SubjectMapper.ToProto));
        return response;
    }

    [Performs(Operation.Write)]
    public override async Task<Proto.RectifyResponse> Rectify(Proto.RectifyRequest request, ServerCallContext context)
    {
        var fields = request.Fields.ToImmutableSortedDictionary(StringComparer.Ordinal);
        Check(request.TenantId, request.SubjectId, v => RectificationPlan.CheckInput(request.Category, fields, v));
        var decision = await access.RequireAsync(context, request.TenantId, request.SubjectId, request.Category);

        // Plan, record the evidence, then make the change, so the evidence is durable before anything changes and the
        // change is made only on the record it describes.
        var grain = Grain(request.TenantId, request.SubjectId);
        var plan = await grain.PlanRectificationAsync(request.Category, fields);
        ThrowIfErased(plan.Erasure);
        if (plan.NoSuchCategory)
        {
            RpcErrors.NotFound("The subject has no record in this category.");
        }

        if (!plan.IsValid)
        {
            RpcErrors.InvalidArgument(plan.Violations);
        }

        // Art. 16 evidence without the data: each change as keyed digests of the value before and after. Fail closed:
        // if the trail cannot take them, this is UNAVAILABLE and, truly, nothing was done.
        await access.RecordAsync(context, request.TenantId, request.SubjectId, plan.Changes.Select(change => ($"Rectify:{request.Category}.{change.Field}",
            $"before={auditKeys.Value(request.TenantId, request.SubjectId, change.Field, change.Before)} after={auditKeys.Value(request.TenantId, request.SubjectId, change.Field, change.After)}")), decision);

        var result = await grain.ApplyRectificationAsync(request.Category, fields, plan.Version);
        ThrowIfErased(result.Erasure);
        if (result.ChangedMeanwhile)
        {
            RpcErrors.Aborted("The record changed meanwhile, after its values were read for the rectification's evidence; nothing was rectified. Retry.");
        }

        if (!result.Done)
        {
            RpcErrors.InvalidArgument(result.Violations);
        }

        var response = new Proto.RectifyResponse { UpdatedAt = Timestamp.FromDateTimeOffset(result.At!.Value), NoticesQueued = result.NoticesQueued };
        response.ChangedFields.AddRange(result.Changes.Select(c => c.Field));
        return response;
    }

    [Performs(Operation.Restrict)]
    public override async Task<Proto.SubjectChangeResponse> Restrict(Proto.RestrictRequest request, ServerCallContext context)
    {
        var ground = (RestrictionGround)(int)request.Ground;
        Check(request.TenantId, request.SubjectId, v => Restriction.CheckGround(ground, "ground", v));
        await access.RequireAsync(context, request.TenantId, request.SubjectId);
        return Done(await Grain(request.TenantId, request.SubjectId).RestrictAsync(ground, Caller.Actor(context)));
    }

    [Performs(Operation.Restrict)]
    public override async Task<Proto.SubjectChangeResponse> LiftRestriction(Proto.LiftRestrictionRequest request, ServerCallContext context)
    {
        var informedAt = request.SubjectInformedAt?.ToDateTimeOffset() ?? default;
        Check(request.TenantId, request.SubjectId, v => Restriction.CheckLifting(informedAt, "subject_informed_at", v));
        await access.RequireAsync(context, request.TenantId, request.SubjectId);
        return Done(await Grain(request.TenantId, request.SubjectId).LiftRestrictionAsync(informedAt, Caller.Actor(context)));
    }

    [Performs(Operation.Write)]
    public override async Task<Proto.SubjectChangeResponse> Object(Proto.ObjectRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId, v => ProcessingPurposes.Check(request.Purpose, "purpose", v));
        await access.RequireAsync(context, request.TenantId, request.SubjectId);
        return Done(await Grain(request.TenantId, request.SubjectId).ObjectAsync(request.Purpose, request.DirectMarketing));
    }

    [Authorize(Roles = "officer,dpo")]
    public override async Task<Proto.SubjectChangeResponse> RecordCompellingGrounds(Proto.RecordCompellingGroundsRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId, v =>
        {
            ProcessingPurposes.Check(request.Purpose, "purpose", v);
            Objection.CheckGrounds(request.Grounds, "grounds", v);
        });
        return Done(await Grain(request.TenantId, request.SubjectId).RecordCompellingGroundsAsync(request.Purpose, request.Grounds));
    }

    [Performs(Operation.Write)]
    public override async Task<Proto.SubjectChangeResponse> SetRecipients(Proto.SetRecipientsRequest request, ServerCallContext context)
    {
        var recipients = SubjectMapper.ToDomain(request.Recipients);
        Check(request.TenantId, request.SubjectId, v =>
        {
            Identifiers.CheckCategory(request.Category, "category", v);
            Recipient.Check(recipients, "recipients", v);
        });
        await access.RequireAsync(context, request.TenantId, request.SubjectId, request.Category);
        return Done(await Grain(request.TenantId, request.SubjectId).SetRecipientsAsync(request.Category, recipients));
    }

    [Performs(Operation.Read)]
    public override async Task<Proto.ListRecipientsResponse> ListRecipients(Proto.ListRecipientsRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId, v => ProcessingPurposes.CheckDeclared(request.Purpose, "purpose", v));
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId, declaredPurpose: request.Purpose);

        var listing = await Grain(request.TenantId, request.SubjectId).GetRecipientsAsync();
        await decision.RecordedAsync();
        var response = new Proto.ListRecipientsResponse { Erasure = listing.Erasure is { } erasure ? SubjectMapper.ToProto(erasure) : null };
        response.Categories.AddRange(listing.Recipients.Select(r => SubjectMapper.ToProto(r.Key, r.Value)));
        return response;
    }

    [Performs(Operation.Export)]
    public override async Task<Proto.ExportResponse> Export(Proto.ExportRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        RpcErrors.ThrowIfAny(violations);
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId,
            declaredPurpose: request.Portability ? ProcessingPurposes.DataPortability : ProcessingPurposes.SubjectAccess);

        // The decision is stored before the export is written, so the subject's access log shows this export too.
        await decision.RecordedAsync();
        var file = await router.Tenant(request.TenantId).GetGrain<ISubjectExportGrain>(new SubjectRef(request.TenantId, request.SubjectId).GrainKey).WriteAsync(request.Portability);
        return new Proto.ExportResponse { Json = UnsafeByteOperations.UnsafeWrap(file.Json), AccessLogEntries = file.AccessLogEntries };
    }

    [Performs(Operation.Erase)]
    public override async Task<Proto.EraseResponse> Erase(Proto.EraseRequest request, ServerCallContext context)
    {
        ErasureInput.Check(request.TenantId, request.SubjectId, request.Reason);
        await access.RequireAsync(context, request.TenantId, request.SubjectId);
        var result = await Grain(request.TenantId, request.SubjectId).EraseAsync(Caller.Actor(context), request.Reason, partial: true);
        RpcErrors.ThrowIfAny(result.Violations);
        var response = new Proto.EraseResponse
        {
            Erasure = result.Erasure is { } erasure ? SubjectMapper.ToProto(erasure) : null,
            HeldBy = (Proto.ErasureException)(int)(result.Hold?.Ground ?? ErasureException.Unspecified),
            NoticesQueued = result.NoticesQueued,
        };
        response.ErasedCategories.AddRange(result.ErasedCategories);
        response.KeptCategories.AddRange(result.KeptCategories);
        return response;
    }

    [Authorize(Roles = "officer,dpo")]
    public override async Task<Proto.SubjectChangeResponse> PlaceLegalHold(Proto.PlaceLegalHoldRequest request, ServerCallContext context)
    {
        var hold = new LegalHold((ErasureException)(int)request.Ground, [.. request.Categories.Distinct()], time.GetUtcNow(), Caller.Actor(context));
        Check(request.TenantId, request.SubjectId, v => v.AddRange(hold.Validate()));
        return Done(await Grain(request.TenantId, request.SubjectId).PlaceLegalHoldAsync(hold));
    }

    [Authorize(Roles = "officer,dpo")]
    public override async Task<Proto.SubjectChangeResponse> ReleaseLegalHold(Proto.ReleaseLegalHoldRequest request, ServerCallContext context)
    {
        Check(request.TenantId, request.SubjectId);
        return Done(await Grain(request.TenantId, request.SubjectId).ReleaseLegalHoldAsync());
    }

    /// <summary>Throws INVALID_ARGUMENT naming every bad field of the subject's ids and of what <paramref name="more"/> checks.</summary>
    private static void Check(string tenantId, string subjectId, Action<List<FieldViolation>>? more = null) => RpcErrors.ThrowIfInvalid(v =>
    {
        SubjectRef.Check(tenantId, subjectId, v);
        more?.Invoke(v);
    });

    /// <summary>The response of a change that was made; invalid input is INVALID_ARGUMENT, a refusal or an erased subject FAILED_PRECONDITION.</summary>
    private static Proto.SubjectChangeResponse Done(SubjectChange change)
    {
        ThrowIfErased(change.Erasure);
        RpcErrors.ThrowIfAny(change.Violations);

        if (!change.Done)
        {
            RpcErrors.FailedPrecondition(change.Refusal ?? "The change is not possible in the subject's current state.");
        }

        return new Proto.SubjectChangeResponse { At = Timestamp.FromDateTimeOffset(change.At!.Value), NoticesQueued = change.NoticesQueued };
    }

    private static void ThrowIfErased(ErasureRecord? erasure)
    {
        if (erasure is not null)
        {
            RpcErrors.FailedPrecondition("The subject was erased; nothing is held about it any more.");
        }
    }

    private IDataSubjectGrain Grain(string tenantId, string subjectId) =>
        router.Tenant(tenantId).GetGrain<IDataSubjectGrain>(new SubjectRef(tenantId, subjectId).GrainKey);
}
