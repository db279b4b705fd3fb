using Custodian.Access;

namespace Custodian.Gateway.Access;

/// <summary>Declares the operation on personal data a gRPC method performs; the access decision reads it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PerformsAttribute(Operation operation) : Attribute
{
    public Operation Operation { get; } = operation;
}
