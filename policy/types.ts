// The resource type tokens the policies match. Strings, not classes: the pack does not load
// @pulumi/aws or @pulumi/docker (thousands of files) to compare a type name.
export const T = {
  rdsInstance: "aws:rds/instance:Instance",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  taskDefinition: "aws:ecs/taskDefinition:TaskDefinition",
  ecsService: "aws:ecs/service:Service",
  scalingTarget: "aws:appautoscaling/target:Target",
  container: "docker:index/container:Container",
} as const;

/** aws.lb and its older alias aws.alb register the same load balancer under two tokens. */
export const LOAD_BALANCERS: readonly string[] = [
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:alb/loadBalancer:LoadBalancer",
];
