"""What each AWS resource type of Terraform and CloudFormation is to a model (a component of a
kind, using a catalog service, or a resource that links components), and what the attributes
that link resources mean (``RefKind``, see infra_graph)."""

from __future__ import annotations

import re

from aftershock.importers.infra_graph import RefKind, Role

HOST = Role("service", link="host")
LAUNCH = Role(link="launch")
LB = Role("service", "elb", link="lb")
LISTENER = Role(link="listener")
TARGET_GROUP = Role(link="target-group")
SUBNET = Role(link="subnet")
SUBNET_GROUP = Role(link="subnet-group")
SG = Role(link="sg")
SG_RULE = Role(link="sg-rule")
DNS_RECORD = Role(link="dns-record")


def _regional(kind: str, uses: str) -> Role:
    return Role(kind, uses, zoned=False)


TERRAFORM: dict[str, Role] = {
    "aws_instance": HOST,
    "aws_spot_instance_request": HOST,
    "aws_autoscaling_group": HOST,
    "aws_eks_node_group": HOST,
    "aws_launch_template": LAUNCH,
    "aws_launch_configuration": LAUNCH,
    "aws_lb": LB,
    "aws_alb": LB,
    "aws_elb": LB,
    "aws_lb_listener": LISTENER,
    "aws_alb_listener": LISTENER,
    "aws_lb_listener_rule": LISTENER,
    "aws_alb_listener_rule": LISTENER,
    "aws_lb_target_group": TARGET_GROUP,
    "aws_alb_target_group": TARGET_GROUP,
    "aws_db_instance": Role("datastore", "rds"),
    "aws_rds_cluster": Role("datastore", "aurora"),
    "aws_rds_global_cluster": Role(link="global"),
    "aws_dynamodb_table": _regional("datastore", "dynamodb"),
    "aws_dynamodb_global_table": _regional("datastore", "dynamodb"),
    "aws_elasticache_cluster": Role("cache", "elasticache"),
    "aws_elasticache_replication_group": Role("cache", "elasticache"),
    "aws_elasticache_serverless_cache": Role("cache", "elasticache"),
    "aws_lambda_function": _regional("service", "lambda"),
    "aws_sqs_queue": _regional("queue", "sqs"),
    "aws_sns_topic": _regional("queue", "sns"),
    "aws_kinesis_stream": _regional("queue", "kinesis"),
    "aws_s3_bucket": _regional("storage", "s3"),
    "aws_ebs_volume": Role("storage"),
    "aws_route53_zone": Role("dns", "route53", on_global=True),
    "aws_route53_record": DNS_RECORD,
    "aws_cloudfront_distribution": Role("cdn", "cloudfront", on_global=True),
    "aws_ecs_cluster": Role("service", "ecs", link="cluster", zoned=False),
    "aws_ecs_service": Role("service", "ecs", inherits=True),
    "aws_eks_cluster": Role("service", "eks", link="cluster"),
    "aws_api_gateway_rest_api": _regional("service", "api-gateway"),
    "aws_apigatewayv2_api": _regional("service", "api-gateway"),
    "aws_cognito_user_pool": _regional("auth", "cognito"),
    "aws_sagemaker_endpoint": _regional("service", "sagemaker"),
    "aws_redshift_cluster": Role("datastore", "redshift"),
    "aws_subnet": SUBNET,
    "aws_default_subnet": SUBNET,
    "aws_db_subnet_group": SUBNET_GROUP,
    "aws_elasticache_subnet_group": SUBNET_GROUP,
    "aws_security_group": SG,
    "aws_default_security_group": SG,
    "aws_security_group_rule": SG_RULE,
    "aws_vpc_security_group_ingress_rule": SG_RULE,
}

CLOUDFORMATION: dict[str, Role] = {
    "AWS::EC2::Instance": HOST,
    "AWS::AutoScaling::AutoScalingGroup": HOST,
    "AWS::EKS::Nodegroup": HOST,
    "AWS::AutoScaling::LaunchConfiguration": LAUNCH,
    "AWS::EC2::LaunchTemplate": LAUNCH,
    "AWS::ElasticLoadBalancingV2::LoadBalancer": LB,
    "AWS::ElasticLoadBalancing::LoadBalancer": LB,
    "AWS::ElasticLoadBalancingV2::Listener": LISTENER,
    "AWS::ElasticLoadBalancingV2::ListenerRule": LISTENER,
    "AWS::ElasticLoadBalancingV2::TargetGroup": TARGET_GROUP,
    "AWS::ECS::Cluster": Role("service", "ecs", link="cluster", zoned=False),
    "AWS::ECS::Service": Role("service", "ecs", inherits=True),
    "AWS::EKS::Cluster": Role("service", "eks", link="cluster"),
    "AWS::RDS::DBInstance": Role("datastore", "rds"),
    "AWS::RDS::DBCluster": Role("datastore", "aurora"),
    "AWS::RDS::GlobalCluster": Role(link="global"),
    "AWS::DynamoDB::Table": _regional("datastore", "dynamodb"),
    "AWS::DynamoDB::GlobalTable": _regional("datastore", "dynamodb"),
    "AWS::ElastiCache::CacheCluster": Role("cache", "elasticache"),
    "AWS::ElastiCache::ReplicationGroup": Role("cache", "elasticache"),
    "AWS::ElastiCache::ServerlessCache": Role("cache", "elasticache"),
    "AWS::Lambda::Function": _regional("service", "lambda"),
    "AWS::Serverless::Function": _regional("service", "lambda"),
    "AWS::SQS::Queue": _regional("queue", "sqs"),
    "AWS::SNS::Topic": _regional("queue", "sns"),
    "AWS::Kinesis::Stream": _regional("queue", "kinesis"),
    "AWS::S3::Bucket": _regional("storage", "s3"),
    "AWS::Serverless::SimpleTable": _regional("datastore", "dynamodb"),
    "AWS::Serverless::Api": _regional("service", "api-gateway"),
    "AWS::ApiGateway::RestApi": _regional("service", "api-gateway"),
    "AWS::ApiGatewayV2::Api": _regional("service", "api-gateway"),
    "AWS::Cognito::UserPool": _regional("auth", "cognito"),
    "AWS::Route53::HostedZone": Role("dns", "route53", on_global=True),
    "AWS::Route53::RecordSet": DNS_RECORD,
    "AWS::Route53::RecordSetGroup": DNS_RECORD,
    "AWS::CloudFront::Distribution": Role("cdn", "cloudfront", on_global=True),
    "AWS::EC2::Subnet": SUBNET,
    "AWS::RDS::DBSubnetGroup": SUBNET_GROUP,
    "AWS::ElastiCache::SubnetGroup": SUBNET_GROUP,
    "AWS::EC2::SecurityGroup": SG,
    "AWS::EC2::SecurityGroupIngress": SG_RULE,
}

_TF_PLACE = {
    "vpc_zone_identifier", "subnets", "subnet_id", "subnet_ids", "subnet_mapping.subnet_id",
    "network_configuration.subnets", "vpc_config.subnet_ids", "db_subnet_group_name",
    "subnet_group_name", "network_interface.subnet_id",
}  # fmt: skip
_CFN_PLACE = {
    "VPCZoneIdentifier", "Subnets", "SubnetId", "SubnetIds", "SubnetMappings.SubnetId",
    "NetworkConfiguration.AwsvpcConfiguration.Subnets", "VpcConfig.SubnetIds",
    "ResourcesVpcConfig.SubnetIds", "DBSubnetGroupName", "CacheSubnetGroupName",
    "NetworkInterfaces.SubnetId",
}  # fmt: skip

TERRAFORM_REFS: dict[str, dict[str, RefKind]] = {
    "*": {**dict.fromkeys(_TF_PLACE, "place"), "vpc_id": "ignore"},
    "aws_security_group": {"ingress.security_groups": "ingress", "egress": "ignore"},
    "aws_security_group_rule": {"source_security_group_id": "ingress"},
    "aws_vpc_security_group_ingress_rule": {"referenced_security_group_id": "ingress"},
    "aws_rds_cluster_instance": {"cluster_identifier": "member"},
    "aws_elasticache_cluster": {"replication_group_id": "member"},
    "aws_db_instance": {"replicate_source_db": "replica-of"},
    "aws_rds_cluster": {
        "global_cluster_identifier": "global",
        "replication_source_identifier": "replica-of",
    },
    "aws_rds_global_cluster": {"source_db_cluster_identifier": "primary"},
    "aws_dynamodb_table_replica": {"global_table_arn": "replica-of"},
    "aws_s3_bucket": {"replication_configuration.rules.destination.bucket": "replica"},
    "aws_s3_bucket_replication_configuration": {"rule.destination.bucket": "replica"},
    "aws_route53_record": {"alias.name": "fed", "records": "fed", "alias.zone_id": "ignore"},
    "aws_lambda_event_source_mapping": {"function_name": "fed"},
    "aws_sns_topic_subscription": {"endpoint": "fed"},
    "aws_lb_target_group_attachment": {"target_id": "fed"},
    "aws_autoscaling_attachment": {"autoscaling_group_name": "fed"},
    "aws_s3_bucket_notification": {
        "lambda_function.lambda_function_arn": "fed",
        "queue.queue_arn": "fed",
        "topic.topic_arn": "fed",
    },
}

CLOUDFORMATION_REFS: dict[str, dict[str, RefKind]] = {
    "*": {**dict.fromkeys(_CFN_PLACE, "place"), "VpcId": "ignore"},
    "AWS::EC2::SecurityGroup": {
        "SecurityGroupIngress.SourceSecurityGroupId": "ingress",
        "SecurityGroupEgress": "ignore",
    },
    "AWS::EC2::SecurityGroupIngress": {"SourceSecurityGroupId": "ingress"},
    "AWS::RDS::DBInstance": {
        "DBClusterIdentifier": "member",
        "SourceDBInstanceIdentifier": "replica-of",
    },
    "AWS::RDS::DBCluster": {
        "GlobalClusterIdentifier": "global",
        "ReplicationSourceIdentifier": "replica-of",
    },
    "AWS::RDS::GlobalCluster": {"SourceDBClusterIdentifier": "primary"},
    "AWS::S3::Bucket": {"ReplicationConfiguration.Rules.Destination.Bucket": "replica"},
    "AWS::SNS::Topic": {"Subscription.Endpoint": "fed"},
    "AWS::SNS::Subscription": {"Endpoint": "fed"},
    "AWS::Lambda::EventSourceMapping": {"FunctionName": "fed"},
    "AWS::ElasticLoadBalancingV2::TargetGroup": {"Targets.Id": "fed"},
    "AWS::Route53::RecordSet": {
        "AliasTarget.DNSName": "fed",
        "ResourceRecords": "fed",
        "AliasTarget.HostedZoneId": "ignore",
    },
    "AWS::Route53::RecordSetGroup": {
        "RecordSets.AliasTarget.DNSName": "fed",
        "RecordSets.ResourceRecords": "fed",
        "RecordSets.AliasTarget.HostedZoneId": "ignore",
    },
}


def ref_kind(table: dict[str, dict[str, RefKind]], rtype: str, attr: str) -> RefKind:
    """Return what attribute ``attr`` (a dotted path, list positions left out) of a resource of
    type ``rtype`` means, by the longest matching prefix in the type's table, then the shared
    one."""
    for scope in (table.get(rtype, {}), table["*"]):
        path = attr
        while path:
            if path in scope:
                return scope[path]
            path = path.rpartition(".")[0]
    return "ref"


_NOT_COMPONENT = re.compile(
    r"(network|subnet|firewall|secgroup|security|route|vpc|iam|role|policy|key|eip|address|"
    r"rule|attachment|association|permission|user|group_member|snapshot|backup|alarm|log)"
)
_GENERIC = (
    (re.compile(r"(^|_)(db|database|sql|rds|mongo|dynamo|table)($|_)"), "datastore"),
    (re.compile(r"(redis|memcache|cache)"), "cache"),
    (re.compile(r"(queue|topic|pubsub|kafka)"), "queue"),
    (re.compile(r"(bucket|blockstorage|volume|disk|storage)"), "storage"),
    (re.compile(r"(instance|virtual_machine|(^|_)vm($|_)|function|container_)"), "service"),
)


def generic_kind(rtype: str) -> str | None:
    """Return a component kind for a resource type of a provider aftershock does not map (by
    words in its name), or None when it does not look like a component."""
    name = rtype.lower()
    if _NOT_COMPONENT.search(name):
        return None
    for pattern, kind in _GENERIC:
        if pattern.search(name):
            return kind
    return None
