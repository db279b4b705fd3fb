using Custodian.Access;
using Custodian.Gateway.Access;
using Custodian.Subjects;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;
using Proto = Custodian.Gateway.Protos.Subjects;

namespace Custodian.Gateway.Services;

/// <summary>
/// The Subjects gRPC service: validates, has the call decided (and audited), calls the DataSubject
/// grain. A write waits for its audit record before it changes anything; a read overlaps the two but
/// returns nothing before the record is stored.
/// </summary>
[Authorize]
public sealed class SubjectsService(IClusterClient cluster, AccessDecider access) : Proto.Subjects.SubjectsBase
{
    [Performs(Operation.Write)]
    public override async Task<Proto.PutRecordResponse> PutRecord(Proto.PutRecordRequest request, ServerCallContext context)
    {
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        if (request.Record is null)
        {
            violations.Add(new FieldViolation("record", "is required"));
        }
        else
        {
            violations.AddRange(SubjectMapper.ToDomain(request.Record).Validate("record."));
        }

        RpcErrors.ThrowIfAny(violations);
        await access.RequireAsync(context, request.TenantId, request.SubjectId, request.Record!.Category);

        var result = await Grain(request.TenantId, request.SubjectId).PutRecordAsync(SubjectMapper.ToDomain(request.Record!));
        if (result.Erasure is not null)
        {
            RpcErrors.FailedPrecondition("The subject was erased; an erased pseudonym is never written again. Use a new subject id.");
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
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        Identifiers.CheckCategory(request.Category, "category", violations);
        RpcErrors.ThrowIfAny(violations);
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId, request.Category);

        var lookup = await Grain(request.TenantId, request.SubjectId).GetRecordAsync(request.Category);
        await decision.RecordedAsync();
        if (lookup.Erasure is { } erasure)
        {
            return new Proto.GetRecordResponse { Erasure = SubjectMapper.ToProto(erasure) };
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
        var violations = new List<FieldViolation>();
        SubjectRef.Check(request.TenantId, request.SubjectId, violations);
        RpcErrors.ThrowIfAny(violations);
        var decision = await access.DecideAsync(context, request.TenantId, request.SubjectId);

        var listing = await Grain(request.TenantId, request.SubjectId).ListCategoriesAsync();
        await decision.RecordedAsync();
        var response = new Proto.ListCategoriesResponse
        {
            Erasure = listing.Erasure is { } erasure ? SubjectMapper.ToProto(erasure) : null,
        };
        response.Categories.AddRange(listing.Categories.Select(SubjectMapper.ToProto));
        return response;
    }

    private IDataSubjectGrain Grain(string tenantId, string subjectId) =>
        cluster.GetGrain<IDataSubjectGrain>(new SubjectRef(tenantId, subjectId).GrainKey);
}
