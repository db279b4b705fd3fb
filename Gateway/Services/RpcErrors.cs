using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Custodian.Validation;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;

namespace Custodian.Gateway.Services;

/// <summary>Turns expected outcomes into gRPC errors: clear messages, field names, never values.</summary>
internal static class RpcErrors
{
    /// <summary>Throws INVALID_ARGUMENT with a BadRequest detail naming every offending field.</summary>
    [DoesNotReturn]
    public static void InvalidArgument(IReadOnlyCollection<FieldViolation> violations)
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = string.Join("; ", violations.Select(v => $"{v.Field} {v.Description}")),
        };
        var details = new BadRequest();
        details.FieldViolations.AddRange(violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }));
        status.Details.Add(Any.Pack(details));
        throw status.ToRpcException();
    }

    /// <summary>Throws INVALID_ARGUMENT when there is any violation.</summary>
    public static void ThrowIfAny(List<FieldViolation> violations)
    {
        if (violations.Count > 0)
        {
            InvalidArgument(violations);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT when a grain refused the input, naming the fields it named (its result's <c>Violations</c>).</summary>
    public static void ThrowIfAny(ImmutableArray<FieldViolation> violations)
    {
        if (!violations.IsDefaultOrEmpty)
        {
            InvalidArgument(violations);
        }
    }

    /// <summary>Throws INVALID_ARGUMENT naming every field that <paramref name="rules"/> (the contracts' validation rules) finds bad.</summary>
    public static void ThrowIfInvalid(Action<List<FieldViolation>> rules)
    {
        var violations = new List<FieldViolation>();
        rules(violations);
        ThrowIfAny(violations);
    }

    /// <summary>Throws PERMISSION_DENIED.</summary>
    [DoesNotReturn]
    public static void PermissionDenied(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.PermissionDenied, message));

    /// <summary>Throws FAILED_PRECONDITION: the request is valid but the target's state refuses it.</summary>
    [DoesNotReturn]
    public static void FailedPrecondition(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, message));

    /// <summary>Throws ABORTED: the target changed between reading it and changing it; nothing was changed, a retry may succeed.</summary>
    [DoesNotReturn]
    public static void Aborted(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.Aborted, message));

    /// <summary>Throws NOT_FOUND.</summary>
    [DoesNotReturn]
    public static void NotFound(string message) => throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, message));
}
